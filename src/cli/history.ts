import { Option, type Command } from 'commander';
import { listScans } from '../store/history.js';
import { withStore } from '../store/open.js';
import type { ScanRecord } from '../store/store.js';
import { oneLine } from '../text/visible.js';
import { InputError } from '../base/errors.js';

interface HistoryOptions {
  store?: string;
  node?: string;
  cluster?: string;
  limit?: string;
  format: 'text' | 'json';
}

interface PruneOptions {
  store?: string;
  node?: string;
  cluster?: string;
  keep: string;
  all?: boolean;
}

const STORE_HELP =
  'history store: a file, sqlite:PATH or postgres://... (default $RKECIS_STORE, else ~/.local/share/rkecis/history.db)';

function positiveInt(text: string, name: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new InputError(
      `${name} ${text}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}`,
    );
  }
  return Number(text);
}

/** What to say when history lists nothing: the store is empty, or the filter matched nothing. */
function noScans(opts: HistoryOptions, display: string): string {
  if (opts.node !== undefined)
    return `no scans of node ${opts.node} in ${display} (node names are as the scans saved them: --node-name, else the node's hostname)`;
  if (opts.cluster !== undefined)
    return `no scans of cluster ${opts.cluster} in ${display} (cluster names are as rkecis cluster --save gave them: --cluster-name, else cluster_name of cluster.yml, else the file or folder name)`;
  return `no scans saved in ${display}`;
}

const rate = (r: number | null): string => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const target = (s: ScanRecord): string =>
  s.kind === 'cluster'
    ? `cluster ${s.cluster ?? ''}`
    : `${s.node ?? ''}${s.cluster !== null ? ` (${s.cluster})` : ''}`;

/** The history table: one line per scan, oldest first, columns aligned. */
export function historyText(scans: readonly ScanRecord[]): string {
  const head = [
    'ID',
    'SCANNED (UTC)',
    'NODE',
    'PROFILE',
    'TOTAL',
    'PASS',
    'FAIL',
    'ERROR',
    'N/A',
    'MANUAL',
    'WAIVED',
    'SCORED PASS RATE',
    'COMPLIANT',
  ];
  const rows = scans.map((s) => [
    s.id,
    when(s.scannedAt),
    // Node and cluster names come from the scanned node or the user: shown escaped.
    oneLine(target(s)),
    oneLine(s.profile),
    String(s.counts.total),
    String(s.counts.pass),
    String(s.counts.fail),
    String(s.counts.error),
    String(s.counts['not-applicable']),
    String(s.counts.manual),
    s.waived === null ? '?' : String(s.waived),
    rate(s.scoredPassRate),
    s.compliant === null ? '?' : s.compliant ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (i: number): boolean => i >= 4 && i < head.length - 1;
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

export function register(program: Command, done: (code: number) => void): void {
  const history = program
    .command('history')
    .description(
      'list the saved scans (rkecis scan/evaluate --save): time, node, profile, counts, scored pass rate',
    )
    .option('--store <url>', STORE_HELP)
    .option('--node <name>', 'only scans of this node')
    .option('--cluster <name>', 'only scans of this cluster')
    .option('--limit <n>', 'only the newest n scans')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (opts: HistoryOptions) => {
      const limit = opts.limit === undefined ? undefined : positiveInt(opts.limit, '--limit', 1);
      await withStore(opts.store, { create: false, readOnly: true }, async (store) => {
        const scans = await listScans(store, {
          ...(opts.node !== undefined ? { node: opts.node } : {}),
          ...(opts.cluster !== undefined ? { cluster: opts.cluster } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        const none = scans.length === 0 ? noScans(opts, store.display) : undefined;
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify(scans, null, 2)}\n`);
          // The JSON stays a list; a filter that matched nothing is said where a person reads.
          if (none !== undefined && (opts.node ?? opts.cluster) !== undefined)
            process.stderr.write(`rkecis: ${oneLine(none)}\n`);
        } else if (none !== undefined) process.stdout.write(`${oneLine(none)}\n`);
        else process.stdout.write(historyText(scans));
      });
      done(0);
    });

  history
    .command('prune')
    .description('delete all but the newest N scans of each node')
    .requiredOption('--keep <n>', 'scans to keep per node (0, with --all, deletes them all)')
    .option('--all', 'with --keep 0: yes, delete every scan (of the --node or --cluster given)')
    .option('--store <url>', STORE_HELP)
    .option('--node <name>', 'prune only this node')
    .option('--cluster <name>', 'prune only this cluster')
    .action(async (opts: PruneOptions, cmd: Command) => {
      // --store given before "prune" belongs to history; honour it there too.
      const parent = cmd.parent?.opts<HistoryOptions>() ?? { format: 'text' };
      const keep = positiveInt(opts.keep, '--keep', 0);
      const scope = opts.node ?? parent.node ?? opts.cluster ?? parent.cluster;
      // History is what audits and trends are made of: emptying it takes saying so twice.
      if (keep === 0 && opts.all !== true) {
        throw new InputError(
          `--keep 0 deletes every scan${scope !== undefined ? ` of ${scope}` : ' in the store'}; give --all too if that is what you mean`,
        );
      }
      if (keep > 0 && opts.all === true)
        throw new InputError(
          `--all goes with --keep 0 (here --keep ${keep}): give one or the other`,
        );
      await withStore(opts.store ?? parent.store, { create: false }, async (store) => {
        const node = opts.node ?? parent.node;
        const cluster = opts.cluster ?? parent.cluster;
        const removed = await store.prune(keep, {
          ...(node !== undefined ? { node } : {}),
          ...(cluster !== undefined ? { cluster } : {}),
        });
        process.stdout.write(
          `pruned ${removed} scan${removed === 1 ? '' : 's'} from ${oneLine(store.display)}, ${keep === 0 ? 'kept none (--all)' : `kept the newest ${keep} per node`}\n`,
        );
      });
      done(0);
    });
}
