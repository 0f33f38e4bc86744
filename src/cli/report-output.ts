import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../base/errors.js';
import formats, { FORMAT_NAMES, type FormatName } from '../report/formatters/index.js';
import { outputWidth } from '../report/formatters/wrap.js';
import { addSaveOptions, type SaveOptions } from './save.js';

// This module is loaded to define the options of the commands that write reports, so it loads
// nothing heavy itself.

export interface ReportOptions extends SaveOptions {
  /** Unset: chosen from the Kubernetes version (profile-choice.ts). */
  profile?: string;
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

/** The formats, each with what it is and its file extension, for --help. */
export const formatsHelp = (): string =>
  [
    'Formats (--format, -o FORMAT=FILE):',
    ...FORMAT_NAMES.map((name) => {
      const f = formats[name];
      return `  ${name.padEnd(10)}${f.description} (.${f.extension})`;
    }),
  ].join('\n');

/** --format, --output and -o: the formats offered are those of the format registry. */
export function addFormatOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('text'),
    )
    .option('--output <file>', 'write the report to a file (atomically) instead of stdout')
    .option(
      '-o, --out <format=file>',
      `also write the report in FORMAT to FILE (atomically); repeatable; formats: ${FORMAT_NAMES.join(', ')}`,
      collect,
    )
    .addHelpText('after', `\n${formatsHelp()}`);
}

/** The options of a command that judges a profile and writes the report (scan, evaluate, cluster). */
export function addReportOptions(cmd: Command): Command {
  return addFormatOptions(
    addSaveOptions(cmd).option(
      '--profile <name>',
      'built-in profile name or profile folder (default: chosen from the Kubernetes version; rkecis profiles lists them)',
    ),
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
