import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Temporary files of atomic writes (a hidden `.rkecis-xxxxxxxxxxxx.tmp` in each target's folder,
 * renamed onto it when whole). The name does not carry the target's: any name the file system
 * takes for a target (up to 255 bytes) can so be written. Once rkecis starts writing one, SIGINT, SIGTERM and SIGHUP are handled: the
 * handler removes every temporary file still listed and ends the process by the same signal, as
 * if unhandled. Files are written a batch at a time with turns of the event loop between
 * batches (a cluster's report can take seconds to write), so a signal is acted on while a file
 * is being written: its temporary file goes, and no target has been touched yet. The renames are
 * one synchronous step, so a signal lands before all of them or after all of them. An
 * interrupted run so leaves each target absent or whole, and no temporary file; only SIGKILL,
 * which nothing can catch, may leave a hidden .tmp file (never a partial target).
 */
const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let handling = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of live) rmSync(tmp, { force: true });
  live.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** A fresh temporary path beside `path`, listed for removal on a signal until `settled`. */
export function tempFor(path: string): string {
  if (!handling) {
    handling = true;
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  const tmp = join(dirname(path), `.rkecis-${randomBytes(6).toString('hex')}.tmp`);
  live.add(tmp);
  return tmp;
}

/** The temporary file was renamed into place or removed. */
export function settled(tmp: string): void {
  live.delete(tmp);
}
