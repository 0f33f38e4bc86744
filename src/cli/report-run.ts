import { EXIT } from '../base/errors.js';
import { VERSION } from '../base/version.js';
import type { Evidence } from '../evidence/schema.js';
import { openProfile } from '../profiles/open.js';
import type { Profile } from '../profiles/schema.js';
import type { ProfileChoiceInfo } from '../report/types.js';
import { colours, plain } from '../report/formatters/colors.js';
import formats, { type FormatName, type FormatOptions } from '../report/formatters/index.js';
import type { Rendered } from '../report/formatters/rendered.js';
import { notCompliant } from '../report/summary.js';
import { isClusterReport, type AnyReport, type NodeReport } from '../report/types.js';
import type { LoadedWaivers } from '../waivers/load.js';
import { writeOutputs, type Output } from './output.js';
import {
  parseExtraOutputs,
  runDate,
  textWidth,
  wantColour,
  type ExtraOutput,
  type ReportOptions,
} from './report-output.js';
import { chooseForEvidence, type Chosen } from './profile-choice.js';
import { withSaving, type ScanToSave } from './save.js';

/**
 * What every command that writes a report does around its own part: check what the user gave
 * before anything is judged or written, judge evidence the same way, and write every output at
 * once (and save the scans) at the end. Loaded by the start-up path of scan and evaluate, it
 * imports the engine, the waivers and the formatters where they are used.
 */

/** A report run, once what the user gave has been checked. */
export interface ReportRun {
  profile: Profile;
  waivers: LoadedWaivers | undefined;
  /** The `-o FORMAT=FILE` outputs. */
  extra: ExtraOutput[];
  /** What every report of the run carries: the version, and the time unless --no-timestamp. */
  stamp: { rkecisVersion: string; generatedAt?: string };
  /** The waivers applied to a report: a waiver expires after its date, UTC, the run's date. */
  waive: (report: NodeReport) => NodeReport;
  /** Why the profile is the one it is, as every report of the run says. */
  choice: ProfileChoiceInfo;
  /** One node's evidence judged: evaluated, stamped, and waived. */
  judge: (evidence: Evidence) => NodeReport;
}

/**
 * Checks the run's outputs, profile, waivers and date (SOURCE_DATE_EPOCH), each a clear message
 * and exit 2 when bad, and loads the engine.
 */
export async function startReportRun(
  opts: Pick<ReportOptions, 'out' | 'output' | 'waivers' | 'timestamp'>,
  chosen: Chosen,
): Promise<ReportRun> {
  const extra = parseExtraOutputs(opts.out ?? [], opts.output);
  const profile = await openProfile(chosen.name);
  const choice: ProfileChoiceInfo = chosen.choice;
  const waivers =
    opts.waivers !== undefined
      ? (await import('../waivers/load.js')).loadWaivers(opts.waivers, profile)
      : undefined;
  const [{ evaluate }, { applyWaivers }] = await Promise.all([
    import('../engine/evaluate.js'),
    import('../waivers/apply.js'),
  ]);
  const now = runDate();
  const today = now.toISOString().slice(0, 10);
  const stamp = {
    rkecisVersion: VERSION,
    ...(opts.timestamp !== false
      ? { generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : {}),
  };
  const waive = (report: NodeReport): NodeReport =>
    waivers !== undefined ? applyWaivers(report, waivers, today) : report;
  return {
    profile,
    waivers,
    extra,
    stamp,
    waive,
    choice,
    judge: (evidence) => {
      const report = evaluate(profile, evidence);
      return waive({ ...stamp, ...report, profile: { ...report.profile, choice } });
    },
  };
}

/** An output with the format it is in. */
export interface FormattedOutput extends Output {
  format: FormatName;
}

/** Where the main output goes and how it looks: --format, --output, --verbose. */
export interface MainOutput {
  format: FormatName;
  output?: string | undefined;
  verbose?: boolean | undefined;
}

/**
 * The report in every format asked: the main output in colour on a terminal and at its width
 * (`more` adds to its options), the `-o` files plain at the default width. A node report's text
 * is whole here, so a formatter that throws does so before anything is written; a cluster's is
 * made as it is written.
 */
export async function formatOutputs(
  report: AnyReport,
  main: MainOutput,
  extra: readonly ExtraOutput[],
  more: FormatOptions = {},
): Promise<FormattedOutput[]> {
  const verbose = main.verbose === true;
  const paint = wantColour(process.stdout, main.output) ? colours : plain;
  const all = [
    {
      format: main.format,
      path: main.output,
      options: { paint, verbose, width: textWidth(process.stdout, main.output), ...more },
    },
    ...extra.map((o) => ({ format: o.format, path: o.path, options: { paint: plain, verbose } })),
  ];
  const outputs: FormattedOutput[] = [];
  for (const o of all) {
    const content: Rendered = isClusterReport(report)
      ? (await formats[o.format].cluster())(report, o.options)
      : (await formats[o.format].node())(report, o.options);
    outputs.push({ format: o.format, path: o.path, content });
  }
  return outputs;
}

/**
 * Writes the report in every format asked, and saves the scans with --save (save.ts: the store
 * is opened and checked before anything is written, and the scans saved once the report is out).
 */
export async function writeReport(
  run: Pick<ReportRun, 'extra'>,
  opts: MainOutput & Pick<ReportOptions, 'save' | 'store'>,
  report: AnyReport,
  scans: readonly ScanToSave[] = [],
): Promise<void> {
  const outputs = await formatOutputs(report, opts, run.extra);
  await withSaving(opts, scans, () => writeOutputs(outputs));
}

/**
 * `rkecis evaluate` and `scan`: judges the node, writes the report in every format asked, saves
 * it when asked, and returns the exit code.
 */
export async function evaluateAndReport(
  evidence: Evidence,
  opts: ReportOptions,
  chosen: Chosen = chooseForEvidence(opts.profile, evidence),
): Promise<number> {
  const run = await startReportRun(opts, chosen);
  const report = run.judge(evidence);
  await writeReport(run, opts, report, [{ report, evidence }]);
  return notCompliant(report.results) ? EXIT.notCompliant : EXIT.compliant;
}
