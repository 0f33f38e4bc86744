import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

/**
 * Writes a report file atomically: a temporary file beside the target, then rename. A run that
 * is interrupted or fails leaves either the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
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
