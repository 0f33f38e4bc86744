import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from './errors.js';
import { settled, tempFor } from './temp-files.js';

export interface PendingFile {
  path: string;
  text: string;
}

/**
 * Writes several report files as one step: every file goes to a temporary file beside its
 * target first, and only when all of them are written are they renamed into place. A full disk
 * or a missing folder for the third file leaves none of them half-written or out of step.
 */
export function writeFilesAtomic(files: readonly PendingFile[]): void {
  const staged: { tmp: string; path: string }[] = [];
  const remove = (tmp: string): void => {
    rmSync(tmp, { force: true });
    settled(tmp);
  };
  const abandon = (): void => {
    for (const s of staged) remove(s.tmp);
  };
  for (const f of files) {
    const tmp = tempFor(f.path);
    try {
      writeFileSync(tmp, f.text, { flag: 'wx', mode: 0o644 });
      staged.push({ tmp, path: f.path });
    } catch (e) {
      remove(tmp);
      abandon();
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot write ${f.path}: ${err.code ?? ''} ${err.message}`.trim());
    }
  }
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.tmp, s.path);
      settled(s.tmp);
    } catch (e) {
      for (const rest of staged.slice(i)) remove(rest.tmp);
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot write ${s.path}: ${err.code ?? ''} ${err.message}`.trim());
    }
  }
}
