import { Option, type Command } from 'commander';
import { evaluate } from '../engine/evaluate.js';
import type { Evidence } from '../evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../profiles/load.js';
import { colours, plain } from '../report/formatters/colors.js';
import formatters, { FORMAT_NAMES, type FormatName } from '../report/formatters/index.js';
import { notCompliant } from '../report/summary.js';
import type { NodeReport } from '../report/types.js';
import { EXIT } from './errors.js';
import { emit } from './output.js';

export interface ReportOptions {
  profile: string;
  format: FormatName;
  output?: string;
  verbose?: boolean;
}

/** The options every command that produces a node report shares (evaluate, scan). */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'built-in profile name or profile folder', DEFAULT_PROFILE)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('text'))
    .option('--output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('-v, --verbose', 'show evidence of passing controls too');
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantColour(stream: NodeJS.WriteStream, file: string | undefined): boolean {
  const noColor = process.env.NO_COLOR;
  return file === undefined && stream.isTTY && (noColor === undefined || noColor === '');
}

/** Evaluates, writes the report in the chosen format, and returns the exit code. */
export function evaluateAndReport(evidence: Evidence, opts: ReportOptions): number {
  const profile = loadProfile(opts.profile);
  const report: NodeReport = evaluate(profile, evidence);
  const paint = wantColour(process.stdout, opts.output) ? colours : plain;
  emit(formatters[opts.format](report, { paint, verbose: opts.verbose === true }), opts.output);
  return notCompliant(report.results) ? EXIT.notCompliant : EXIT.compliant;
}
