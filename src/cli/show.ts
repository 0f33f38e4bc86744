import { Option, type Command } from 'commander';
import { diffControls } from '../diff/controls.js';
import { evaluate } from '../engine/evaluate.js';
import { loadProfile } from '../profiles/load.js';
import { FORMAT_NAMES, type FormatName } from '../report/formatters/index.js';
import { notCompliant } from '../report/summary.js';
import { loadScan, type LoadedScan } from '../store/history.js';
import { withStore } from '../store/open.js';
import { loadTrend } from '../store/trend.js';
import { oneLine } from '../text/visible.js';
import { EXIT, InputError } from '../base/errors.js';
import { emit, writeOutputs } from './output.js';
import { say } from './say.js';
import { formatOutputs } from './report-run.js';

interface ShowOptions {
  store?: string;
  format: FormatName;
  output?: string;
  verbose?: boolean;
  recheck?: boolean;
  profile?: string;
  evidence?: boolean;
}

/** Re-evaluates the stored evidence; the lines name every verdict that differs from the stored one. */
export function recheck(scan: LoadedScan, profileName: string): string[] {
  let profile;
  try {
    profile = loadProfile(profileName);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(
      `--recheck: ${e.message} (the scan was made with profile ${scan.record.profile}; name it with --profile)`,
    );
  }
  const now = evaluate(profile, scan.evidence);
  return diffControls(scan.report, now).map(
    (c) => `${c.id} ${c.title}: stored ${c.from}, from the evidence now ${c.to}`,
  );
}

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('show')
    .description(
      'render a saved scan again, after checking its evidence bundle against its recorded SHA-256',
    )
    .argument('<scan-id>', 'a scan id from rkecis history, or a unique prefix of one')
    .option(
      '--store <url>',
      'history store: a file, sqlite:PATH or postgres://... (default $RKECIS_STORE, else ~/.local/share/rkecis/history.db)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('text'),
    )
    .option('--output <file>', 'write to a file (atomically) instead of stdout')
    .option('-v, --verbose', 'show evidence of passing controls too')
    .option(
      '--recheck',
      'evaluate the stored evidence again and report any verdict that differs: exit 0 if none does, 1 if one does (whatever the verdicts)',
    )
    .option('--profile <name>', 'profile for --recheck (default: the one the scan was made with)')
    .option('--evidence', 'write the stored evidence bundle instead of the report')
    .action(async (id: string, opts: ShowOptions) => {
      const { scan, trend } = await withStore(
        opts.store,
        { create: false, readOnly: true },
        async (store) => {
          const loaded = await loadScan(store, id);
          const node = loaded.record.node;
          // The html document shows the node's pass rate over its stored scans up to this one.
          const points =
            opts.format === 'html' && node !== null
              ? (await loadTrend(store, { node }, 1000))
                  // Ids sort by the time a scan was saved; scannedAt may repeat (same bundle twice).
                  .filter((p) => p.id <= loaded.record.id)
                  .slice(-30)
              : undefined;
          return { scan: loaded, trend: points };
        },
      );
      if (opts.evidence === true) {
        await emit(scan.evidenceBytes.toString('utf8'), opts.output);
        done(EXIT.compliant);
        return;
      }
      await writeOutputs(
        await formatOutputs(scan.report, opts, [], trend !== undefined ? { trend } : {}),
      );
      // Without --recheck the exit code is the scan's verdict, as when it was made; with it, the
      // recheck's answer: a CI job that rechecks stored scans asks whether they still hold.
      let code: number = notCompliant(scan.report.results) ? EXIT.notCompliant : EXIT.compliant;
      if (opts.recheck === true) {
        code = EXIT.compliant;
        const diffs = recheck(scan, opts.profile ?? scan.record.profile);
        if (diffs.length === 0) {
          say(
            `recheck: all ${scan.report.results.length} verdicts of scan ${scan.record.id} follow from its stored evidence`,
          );
        } else {
          say(
            `recheck: ${diffs.length} verdict${diffs.length === 1 ? '' : 's'} of scan ${scan.record.id} differ from its stored evidence evaluated now:`,
          );
          for (const d of diffs) process.stderr.write(`  ${oneLine(d)}\n`);
          code = EXIT.notCompliant;
        }
      }
      done(code);
    });
}
