import { lstatSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { diffScans, hasNewFailures } from '../diff/diff.js';
import diffFormatters, {
  DIFF_FORMAT_NAMES,
  type DiffFormatName,
} from '../diff/formatters/index.js';
import { sideFromFile } from '../diff/inputs.js';
import type { DiffSide } from '../diff/types.js';
import type { Evidence } from '../evidence/schema.js';
import { loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/schema.js';
import { loadScan } from '../store/history.js';
import { isIdPrefix } from '../store/ids.js';
import { openStore } from '../store/open.js';
import type { HistoryStore } from '../store/store.js';
import { EXIT, InputError } from '../base/errors.js';
import { emit } from './output.js';
import { chooseForEvidence } from './profile-choice.js';
import { textWidth } from './report-output.js';

interface DiffOptions {
  store?: string;
  format: DiffFormatName;
  output?: string;
  profile?: string;
  failOnNew?: boolean;
}

/**
 * Whether an argument names a file rather than a scan id: anything at that path does. A FIFO, a
 * folder or a device is so a file input, refused as one (not a regular file), never a scan id.
 */
const isFile = (p: string): boolean => lstatSync(p, { throwIfNoEntry: false }) !== undefined;

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('diff')
    .description(
      'what changed between two scans: control verdicts (new failures first), evidence, nodes',
    )
    .argument(
      '<a>',
      'the earlier scan: a scan id (or unique prefix), a JSON report or an evidence bundle file',
    )
    .argument('<b>', 'the later scan, likewise')
    .option(
      '--store <url>',
      'history store for scan ids (default $RKECIS_STORE, else ~/.local/share/rkecis/history.db)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(DIFF_FORMAT_NAMES)
        .default('text'),
    )
    .option('--output <file>', 'write to a file (atomically) instead of stdout')
    .option(
      '--profile <name>',
      "profile to evaluate evidence bundle files with (default: each bundle's, chosen from its Kubernetes version)",
    )
    .option(
      '--fail-on-new',
      'exit 1 when a control fails (or errors) in b that did not in a, or was judged in a and is not evaluated in b',
    )
    .action(async (a: string, b: string, opts: DiffOptions) => {
      const profiles = new Map<string, Profile>();
      const getProfile = (evidence: Evidence): Profile => {
        const name = chooseForEvidence(opts.profile, evidence).name;
        let p = profiles.get(name);
        if (p === undefined) profiles.set(name, (p = loadProfile(name)));
        return p;
      };
      let store: HistoryStore | undefined;
      try {
        const side = async (arg: string): Promise<DiffSide> => {
          if (isFile(arg)) return sideFromFile(arg, getProfile);
          if (!isIdPrefix(arg.toLowerCase()))
            throw new InputError(`${arg}: no such file, and not a scan id`);
          store ??= await openStore(opts.store, { create: false, readOnly: true });
          const scan = await loadScan(store, arg);
          return {
            label: scan.record.id,
            scannedAt: scan.record.scannedAt,
            nodes: [{ report: scan.report, evidence: scan.evidence }],
          };
        };
        const d = diffScans(await side(a), await side(b));
        await emit(
          diffFormatters[opts.format](d, { width: textWidth(process.stdout, opts.output) }),
          opts.output,
        );
        done(opts.failOnNew === true && hasNewFailures(d) ? EXIT.notCompliant : EXIT.compliant);
      } finally {
        await store?.close();
      }
    });
}
