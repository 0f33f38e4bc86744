import type { Command } from 'commander';
import { say } from './say.js';
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

/** A node scan to save; `cluster` when it was part of a cluster scan. */
export interface ScanToSave {
  report: NodeReport;
  evidence: Evidence;
  cluster?: string;
}

/** Whether the command line asks for the scan to be saved: --save, or a --store. */
export const wantsSave = (opts: SaveOptions): boolean =>
  opts.save === true || opts.store !== undefined;

/** Adds --save and --store. */
export function addSaveOptions(cmd: Command): Command {
  return cmd
    .option(
      '--save',
      'save the report and its evidence bundle in the scan history (see rkecis history)',
    )
    .option('--store <url>', STORE_HELP);
}

/**
 * Writes a run's report (`write`) and saves its scans. With --save or --store, the store is
 * opened (created and migrated when new) and checked before `write` runs: a store that cannot be
 * opened is exit 2 with nothing printed and no file written, as for any bad input. The scans are
 * saved once the report is out; a failure to save then is exit 2 too, after the report.
 */
export async function withSaving(
  opts: SaveOptions,
  scans: readonly ScanToSave[],
  write: () => Promise<void>,
): Promise<void> {
  if (!wantsSave(opts)) {
    await write();
    return;
  }
  // Loaded only when something is saved: a scan without --save never loads a store.
  const [{ saveScan }, { openStore }] = await Promise.all([
    import('../store/history.js'),
    import('../store/open.js'),
  ]);
  const store = await openStore(opts.store, { create: true });
  try {
    await write();
    for (const { report, evidence, cluster } of scans) {
      const rec = await saveScan(store, {
        report,
        evidence,
        ...(cluster !== undefined ? { cluster } : {}),
      });
      say(`saved scan ${rec.id} (node ${rec.node ?? ''}) to ${store.display}`);
    }
  } finally {
    await store.close();
  }
}
