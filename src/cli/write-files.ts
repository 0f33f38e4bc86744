import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

export interface PendingFile {
  path: string;
  text: string;
}

const tempFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

/**
 * Writes several report files as one step: every file goes to a temporary file beside its
 * target first, and only when all of them are written are they renamed into place. A full disk
 * or a missing folder for the third file leaves none of them half-written or out of step.
 */
export function writeFilesAtomic(files: readonly PendingFile[]): void {
  const staged: { tmp: string; path: string }[] = [];
  const abandon = (): void => {
    for (const s of staged) rmSync(s.tmp, { force: true });
  };
  for (const f of files) {
    const tmp = tempFor(f.path);
    try {
      writeFileSync(tmp, f.text, { flag: 'wx', mode: 0o644 });
      staged.push({ tmp, path: f.path });
    } catch (e) {
      rmSync(tmp, { force: true });
      abandon();
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot write ${f.path}: ${err.code ?? ''} ${err.message}`.trim());
    }
  }
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.tmp, s.path);
    } catch (e) {
      for (const rest of staged.slice(i)) rmSync(rest.tmp, { force: true });
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot write ${s.path}: ${err.code ?? ''} ${err.message}`.trim());
    }
  }
}
