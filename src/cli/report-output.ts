import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Evidence } from '../evidence/schema.js';
import { DEFAULT_PROFILE, openProfile } from '../profiles/open.js';
import { colours, plain } from '../report/formatters/colors.js';
import { FORMAT_NAMES, loadFormatter, type FormatName } from '../report/formatters/names.js';
import { notCompliant } from '../report/summary.js';
import { outputWidth } from '../report/formatters/wrap.js';
import type { NodeReport } from '../report/types.js';
import { VERSION } from '../version.js';
import { EXIT, InputError } from './errors.js';
import { writeOutputs, type Output } from './output.js';
import { addSaveOptions, withSaving, type SaveOptions } from '../store/save.js';

// This module is loaded to define the options of scan, evaluate and cluster, so it loads nothing
// heavy itself: the engine, the formatters asked for and the waivers are imported when used.

export interface ReportOptions extends SaveOptions {
  profile: string;
  format: FormatName;
  output?: string;
  verbose?: boolean;
  /** Extra outputs, `FORMAT=FILE`, from repeated `-o`. */
  out?: string[];
  waivers?: string;
  /** False with --no-timestamp. */
  timestamp?: boolean;
}

export interface ExtraOutput {
  format: FormatName;
  path: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options every command that produces a node report shares (evaluate, scan). */
export function addReportOptions(cmd: Command): Command {
  return addSaveOptions(cmd)
    .option('--profile <name>', 'built-in profile name or profile folder', DEFAULT_PROFILE)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('text'),
    )
    .option('--output <file>', 'write the report to a file (atomically) instead of stdout')
    .option(
      '-o, --out <format=file>',
      `also write the report in FORMAT to FILE (atomically); repeatable; formats: ${FORMAT_NAMES.join(', ')}`,
      collect,
    )
    .option(
      '--waivers <file>',
      'YAML file of accepted failures (waivers); see examples/waivers-*.yaml',
    )
    .option('--no-timestamp', 'leave the date out of the report (SOURCE_DATE_EPOCH also fixes it)')
    .option('-v, --verbose', 'show evidence of passing controls too');
}

/**
 * Parses `-o FORMAT=FILE`. A bare `-o FILE` is refused rather than guessed from the file name:
 * `.json` could be json or sarif and `.xml` junit, and a silent wrong guess would hand an auditor
 * the wrong document.
 */
export function parseExtraOutputs(
  values: readonly string[],
  mainOutput: string | undefined,
): ExtraOutput[] {
  const seen = new Map<string, string>();
  if (mainOutput !== undefined && mainOutput !== '-') seen.set(resolve(mainOutput), '--output');
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq < 0) {
      throw new InputError(
        `-o ${value}: expected FORMAT=FILE, e.g. -o html=report.html (formats: ${FORMAT_NAMES.join(', ')}); ` +
          'the format is not guessed from the file name; for the main output use --format and --output',
      );
    }
    const format = value.slice(0, eq);
    const path = value.slice(eq + 1);
    if (!(FORMAT_NAMES as string[]).includes(format)) {
      throw new InputError(
        `-o ${value}: unknown format "${format}"; formats: ${FORMAT_NAMES.join(', ')}`,
      );
    }
    if (path === '' || path === '-') {
      throw new InputError(
        `-o ${value}: needs a file name (the terminal output is chosen with --format)`,
      );
    }
    const first = seen.get(resolve(path));
    if (first !== undefined)
      throw new InputError(`-o ${value}: ${path} is already written by ${first}`);
    seen.set(resolve(path), `-o ${value}`);
    return { format: format as FormatName, path };
  });
}

/** The run's clock: SOURCE_DATE_EPOCH (reproducible builds) when set, else now. */
export function runDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date();
  if (!/^\d+$/.test(epoch))
    throw new InputError(`SOURCE_DATE_EPOCH=${epoch}: expected seconds since 1970`);
  return new Date(Number(epoch) * 1000);
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantColour(stream: NodeJS.WriteStream, file: string | undefined): boolean {
  const noColor = process.env.NO_COLOR;
  return (
    (file === undefined || file === '-') &&
    stream.isTTY &&
    (noColor === undefined || noColor === '')
  );
}

/** Text fills the terminal's width when printed to one, else 100 columns (files, pipes). */
export const textWidth = (stream: NodeJS.WriteStream, file: string | undefined): number =>
  outputWidth(stream, file !== undefined && file !== '-');

/**
 * Evaluates, writes the report in every requested format, saves it when asked, and returns the
 * exit code. Everything is checked and rendered before anything is written: a bad waivers file,
 * a history store that cannot be opened or a formatter that throws leaves no file behind and no
 * half-printed report.
 */
export async function evaluateAndReport(evidence: Evidence, opts: ReportOptions): Promise<number> {
  const extra = parseExtraOutputs(opts.out ?? [], opts.output);
  const profile = await openProfile(opts.profile);
  const waivers =
    opts.waivers !== undefined
      ? (await import('../waivers/load.js')).loadWaivers(opts.waivers, profile)
      : undefined;
  const { evaluate } = await import('../engine/evaluate.js');
  const now = runDate();
  let report: NodeReport = {
    rkecisVersion: VERSION,
    ...(opts.timestamp !== false
      ? { generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : {}),
    ...evaluate(profile, evidence),
  };
  // A waiver expires after its date, UTC: the run's date decides, whether or not it is printed.
  if (waivers !== undefined) {
    const { applyWaivers } = await import('../waivers/apply.js');
    report = applyWaivers(report, waivers, now.toISOString().slice(0, 10));
  }
  const paint = wantColour(process.stdout, opts.output) ? colours : plain;
  const verbose = opts.verbose === true;
  const width = textWidth(process.stdout, opts.output);
  const main = (await loadFormatter(opts.format))(report, { paint, verbose, width });
  const outputs: Output[] = [{ path: opts.output, content: main }];
  for (const o of extra) {
    const format = await loadFormatter(o.format);
    outputs.push({ path: o.path, content: format(report, { paint: plain, verbose }) });
  }
  await withSaving(opts, [{ report, evidence }], () => writeOutputs(outputs));
  return notCompliant(report.results) ? EXIT.notCompliant : EXIT.compliant;
}
