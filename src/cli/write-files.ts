import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { piecesOf, type Rendered } from '../report/formatters/rendered.js';
import { systemReason } from '../text/system-error.js';
import { InputError } from './errors.js';
import { settled, tempFor } from './temp-files.js';

export interface PendingFile {
  path: string;
  /** Written as given (callers add the final newline), piece by piece as a generator yields. */
  content: Rendered;
}

/** Characters gathered before one write(2): pieces may be a line each. */
export const BATCH = 64 * 1024;
/** Writes between turns of the event loop (about 1 MiB), so that a signal is acted on mid-file. */
const TURN = 16;

/**
 * A write that failed: exit 2, naming the user's file (never the temporary file beside it) and
 * the reason in words (no space left on the device, permission denied...).
 */
export function cannotWrite(what: string, e: unknown): InputError {
  return new InputError(`cannot write ${what}: ${systemReason(e, 'its folder does not exist')}`);
}

function writeAll(fd: number, text: string, path: string): void {
  const bytes = Buffer.from(text, 'utf8');
  try {
    // write(2) may write less than asked (a disk filling up): the rest is written, or fails.
    for (let done = 0; done < bytes.length;)
      done += writeSync(fd, bytes, done, bytes.length - done);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

/** Writes one file's pieces to its temporary file, opened here exclusively. */
async function stage(tmp: string, file: PendingFile): Promise<void> {
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw cannotWrite(file.path, e);
  }
  try {
    let batch = '';
    let writes = 0;
    // An error thrown by the formatter's generator comes out of this loop as it is: a bug, not
    // a write failure; the temporary files are removed either way.
    for (const piece of piecesOf(file.content)) {
      batch += piece;
      if (batch.length < BATCH) continue;
      writeAll(fd, batch, file.path);
      batch = '';
      if (++writes % TURN === 0) await nextTurn();
    }
    if (batch !== '') writeAll(fd, batch, file.path);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  try {
    closeSync(fd);
  } catch (e) {
    // A failed close can be the first news of a failed write (NFS).
    throw cannotWrite(file.path, e);
  }
}

/**
 * Writes several report files as one step: every file goes to a temporary file beside its
 * target first, written piece by piece as its formatter renders it (a cluster's report may be
 * far bigger than one string can be), and only when all of them are written are they renamed
 * into place, in one synchronous step. A full disk, a missing folder for the third file, a
 * formatter that throws halfway or a signal (temp-files.ts) leaves none of them half-written or
 * out of step, and no temporary file. Only a rename that fails after others succeeded (a target
 * that is a folder) can leave the earlier files replaced and the rest as they were; each file
 * is still whole. A write that fails is an InputError naming the file.
 */
export async function writeFilesAtomic(files: readonly PendingFile[]): Promise<void> {
  const staged: { tmp: string; path: string }[] = [];
  const remove = (tmp: string): void => {
    rmSync(tmp, { force: true });
    settled(tmp);
  };
  try {
    for (const f of files) {
      const tmp = tempFor(f.path);
      staged.push({ tmp, path: f.path });
      await stage(tmp, f);
    }
  } catch (e) {
    for (const s of staged) remove(s.tmp);
    throw e;
  }
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.tmp, s.path);
      settled(s.tmp);
    } catch (e) {
      for (const rest of staged.slice(i)) remove(rest.tmp);
      throw cannotWrite(s.path, e);
    }
  }
}
