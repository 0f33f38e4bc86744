import type { Command } from 'commander';
import { say } from '../cli/say.js';
import type { Evidence } from '../evidence/schema.js';
import type { NodeReport } from '../report/types.js';

/** The options of commands that can save what they report (evaluate, scan, later cluster). */
export interface SaveOptions {
  /** Save the report and its evidence bundle in the scan history. */
  save?: boolean;
  /** The history store; giving one implies --save. @default $RKECIS_STORE, else the user's SQLite file */
  store?: string;
}

const STORE_HELP =
  'history store: a file, sqlite:PATH or postgres://... (default $RKECIS_STORE, else ~/.local/share/rkecis/history.db); implies --save';

interface PendingSave {
  store: string | undefined;
  report: NodeReport;
  evidence: Evidence;
  cluster?: string;
}

// Formatting is synchronous, saving is not (PostgreSQL): evaluation queues the scan and a
// postAction hook, which commander awaits, writes it before the command's exit code is used.
const pending: PendingSave[] = [];

/** Adds --save and --store, and the hook that writes queued scans once the command has reported. */
export function addSaveOptions(cmd: Command): Command {
  return cmd
    .option(
      '--save',
      'save the report and its evidence bundle in the scan history (see rkecis history)',
    )
    .option('--store <url>', STORE_HELP)
    .hook('postAction', flushSaves);
}

/** Queues a node scan for saving when --save or --store was given; `cluster` when it was part of a cluster scan. */
export function queueSave(
  opts: SaveOptions,
  report: NodeReport,
  evidence: Evidence,
  cluster?: string,
): void {
  if (opts.save !== true && opts.store === undefined) return;
  pending.push({
    store: opts.store,
    report,
    evidence,
    ...(cluster !== undefined ? { cluster } : {}),
  });
}

/** Writes the queued scans; a store that cannot be opened or written is an InputError (exit 2). */
export async function flushSaves(): Promise<void> {
  if (pending.length === 0) return;
  // Loaded only when something is saved: a scan without --save never loads a store.
  const [{ saveScan }, { withStore }] = await Promise.all([
    import('./history.js'),
    import('./open.js'),
  ]);
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const { report, evidence, cluster } = next;
    await withStore(next.store, { create: true }, async (store) => {
      const rec = await saveScan(store, {
        report,
        evidence,
        ...(cluster !== undefined ? { cluster } : {}),
      });
      say(`saved scan ${rec.id} (node ${rec.node ?? ''}) to ${store.display}`);
    });
  }
}
