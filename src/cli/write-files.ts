import { closeSync, constants, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { piecesOf, type Rendered } from '../report/formatters/rendered.js';
import { InputError } from '../base/errors.js';
import { BATCH, cannotWrite, readerGone, writeStream } from './write-stream.js';
import { outputTarget, type OutputTarget } from './output-target.js';
import { settled, tempFor } from './temp-files.js';

export { BATCH, cannotWrite } from './write-stream.js';

export interface PendingFile {
  path: string;
  /** Written as given (callers add the final newline), piece by piece as a generator yields. */
  content: Rendered;
  /** The mode of a file made or replaced, exactly (the umask does not narrow it); 0644 less the umask when not given. */
  mode?: number;
}

/** Writes between turns of the event loop (about 1 MiB), so that a signal is acted on mid-file. */
const TURN = 16;

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
    fd = openSync(tmp, 'wx', file.mode ?? 0o644);
  } catch (e) {
    throw cannotWrite(file.path, e);
  }
  try {
    if (file.mode !== undefined) {
      try {
        fchmodSync(fd, file.mode);
      } catch (e) {
        throw cannotWrite(file.path, e);
      }
    }
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
 * Writes several report files at once, each as outputTarget decides (output-target.ts): every
 * target is looked at first, and a path that cannot be written (a folder, a disk, a link to
 * nothing) stops the run before anything is written.
 *
 * Files replaced (a new path or a regular file) are written as one step: each to a temporary file
 * in its target's folder, piece by piece as its formatter renders it (a cluster's report may be
 * far bigger than one string can be), and only when all of them are written are they renamed
 * into place, in one synchronous step. A full disk, a formatter that throws halfway or a signal
 * (temp-files.ts) leaves none of them half-written or out of step, and no temporary file. Only a
 * rename that fails after others succeeded can leave the earlier files replaced and the rest as
 * they were; each file is still whole.
 *
 * Then the targets written in place (a device, a FIFO, /dev/stdout), one after the other, as
 * stdout is: those cannot be replaced, so a failure there (ENOSPC on /dev/full) comes after the
 * files. A write that fails is an InputError naming the file.
 */
export async function writeFiles(files: readonly PendingFile[]): Promise<void> {
  const planned = files.map((f) => ({ f, target: outputTarget(f.path) }));
  const replaced = new Map<string, string>();
  for (const { f, target } of planned) {
    if (target.how !== 'replace') continue;
    const first = replaced.get(target.file);
    if (first !== undefined)
      throw new InputError(`cannot write ${f.path}: it is the same file as ${first}`);
    replaced.set(target.file, f.path);
  }
  await replaceFiles(
    planned.flatMap(({ f, target }) =>
      target.how === 'replace' ? [{ f, file: target.file }] : [],
    ),
  );
  for (const { f, target } of planned) {
    if (target.how !== 'in-place') continue;
    if (target.stream !== undefined)
      await writeStream(
        f.content,
        process[target.stream],
        target.stream === 'stdout' ? 'standard output' : 'standard error',
      );
    else await writeInPlace(f, target);
  }
}

async function replaceFiles(files: readonly { f: PendingFile; file: string }[]): Promise<void> {
  const staged: { tmp: string; file: string; path: string }[] = [];
  const remove = (tmp: string): void => {
    rmSync(tmp, { force: true });
    settled(tmp);
  };
  try {
    for (const { f, file } of files) {
      const tmp = tempFor(file);
      staged.push({ tmp, file, path: f.path });
      await stage(tmp, f);
    }
  } catch (e) {
    for (const s of staged) remove(s.tmp);
    throw e;
  }
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.tmp, s.file);
      settled(s.tmp);
    } catch (e) {
      for (const rest of staged.slice(i)) remove(rest.tmp);
      throw cannotWrite(s.path, e);
    }
  }
}

/**
 * Writes to a device, a FIFO or an open descriptor, appending (O_APPEND, no O_CREAT, no O_TRUNC):
 * `--output /dev/stdout >> log` adds to the log as `>>` would. The open is asynchronous, so a
 * FIFO without a reader yet waits for one without stopping signals. A reader that leaves is the
 * end of the writing, as for stdout.
 */
async function writeInPlace(
  file: PendingFile,
  target: Extract<OutputTarget, { how: 'in-place' }>,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(file.path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
  } catch (e) {
    throw cannotWrite(`${file.path} (${target.kind})`, e);
  }
  const put = async (text: string): Promise<boolean> => {
    const bytes = Buffer.from(text, 'utf8');
    try {
      for (let done = 0; done < bytes.length;)
        done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
      return true;
    } catch (e) {
      if (readerGone(e)) return false;
      throw cannotWrite(file.path, e);
    }
  };
  try {
    let batch = '';
    for (const piece of piecesOf(file.content)) {
      batch += piece;
      if (batch.length < BATCH) continue;
      if (!(await put(batch))) return;
      batch = '';
    }
    if (batch !== '') await put(batch);
  } finally {
    await fh.close().catch(() => undefined);
  }
}
