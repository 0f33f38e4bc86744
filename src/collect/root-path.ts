import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Linux gives up after 40 links (ELOOP); so do we. */
const MAX_LINKS = 40;

/**
 * Maps a node path to the scanner's path under `root`, as if chrooted there: symlinks on the way
 * are followed inside the root (an absolute target is the node's own path, and `..` stops at the
 * root), so a link can never lead out of the root to the scanner's own files. The last
 * component is followed only with `followLast`: evidence reports a link as a link.
 *
 * Throws the lstat/readlink error (ENOENT, ENOTDIR, EACCES...) or an ELOOP error.
 */
export async function resolveUnderRoot(
  root: string,
  nodePath: string,
  followLast = false,
): Promise<string> {
  const pending = nodePath.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = join(root, ...done, part);
    if (pending.length === 0 && !followLast) {
      done.push(part);
      break;
    }
    const st = await lstat(here);
    if (!st.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw Object.assign(new Error(`too many levels of symbolic links at ${nodePath}`), {
        code: 'ELOOP',
      });
    }
    const target = await readlink(here);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
  }
  return join(root, ...done);
}

/**
 * Reads a small regular file of the node (its /etc/passwd, /etc/hostname), following links
 * inside the root only. O_NOFOLLOW refuses a link swapped in after resolution.
 */
export async function readUnderRoot(
  root: string,
  nodePath: string,
  maxBytes: number,
): Promise<string> {
  const real = await resolveUnderRoot(root, nodePath, true);
  const fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw Object.assign(new Error(`${nodePath} is not a regular file`), { code: 'EINVAL' });
    if (st.size > maxBytes)
      throw Object.assign(new Error(`${nodePath} is larger than ${maxBytes} bytes`), {
        code: 'EFBIG',
      });
    return (await fh.readFile()).toString('utf8');
  } finally {
    await fh.close();
  }
}
