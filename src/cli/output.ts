import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from './errors.js';
import { settled, tempFor } from './temp-files.js';

/**
 * Writes a report file atomically: a temporary file beside the target, then rename. A run that
 * is interrupted or fails leaves either the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = tempFor(path);
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
    renameSync(tmp, path);
    settled(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    settled(tmp);
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`cannot write ${path}: ${err.code ?? ''} ${err.message}`.trim());
  }
}

/** Writes to a file atomically, or to stdout when no path is given. */
export function emit(text: string, path: string | undefined): void {
  if (path === undefined || path === '-') {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  } else {
    writeFileAtomic(path, text.endsWith('\n') ? text : `${text}\n`);
  }
}
