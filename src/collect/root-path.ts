import { posix } from 'node:path';
import { fsError, localFs, lstatOnce, type NodeFs, type NodeStat } from './node-fs.js';

/** Linux gives up after 40 links (ELOOP); so do we. */
const MAX_LINKS = 40;

const fsOf = (root: string | NodeFs): NodeFs => (typeof root === 'string' ? localFs(root) : root);

/**
 * Maps a node path to the scanner's path under `root`, as if chrooted there: symlinks on the way
 * are followed inside the root (an absolute target is the node's own path, and `..` stops at the
 * root), so a link can never lead out of the root to the scanner's own files. The last
 * component is followed only with `followLast`: evidence reports a link as a link.
 *
 * `root` is a local folder, or any NodeFs (SFTP: the node's own "/").
 * Throws the lstat/readlink error (ENOENT, ENOTDIR, EACCES...) or an ELOOP error.
 */
export async function resolveUnderRoot(
  root: string | NodeFs,
  nodePath: string,
  followLast = false,
): Promise<string> {
  const fs = lstatOnce(fsOf(root));
  const pending = nodePath.split('/').filter((c) => c !== '' && c !== '.');
  // Only where "/" is the root (SFTP): under a local --root, a component asked ahead below a
  // link would be the scanning machine's own path (the kernel follows the link), and a local
  // lstat has no round trip to save.
  if (fs.root === '/') askAhead(fs, pending);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = posix.join(fs.root, ...done, part);
    if (pending.length === 0 && !followLast) {
      done.push(part);
      break;
    }
    const st = await fs.lstat(here);
    if (st.type !== 'symlink') {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw fsError('ELOOP', `too many levels of symbolic links at ${nodePath}`);
    }
    const target = await fs.readlink(here);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
  }
  return posix.join(fs.root, ...done);
}

/**
 * Asks at once for the lstat of every component of a path (/etc, /etc/kubernetes,
 * /etc/kubernetes/ssl, then the file), which the walk then finds answered: over SFTP a path's
 * components cost one round trip together, not one each, and the paths of one scan are asked
 * together too. An answer for a path below a link is never looked at: the walk asks only for
 * paths whose parents it found not to be links. Stops at the first `..`, which needs the walk.
 */
function askAhead(fs: NodeFs, components: readonly string[]): void {
  const upTo = components.indexOf('..');
  const ahead = upTo < 0 ? components : components.slice(0, upTo);
  for (let i = 1; i <= ahead.length; i++) {
    // The walk asks again and sees the answer (or the error) then.
    fs.lstat(posix.join(fs.root, ...ahead.slice(0, i))).catch(() => undefined);
  }
}

/**
 * Reads a small regular file of the node (its /etc/passwd, /etc/hostname), following links
 * inside the root only. Locally, O_NOFOLLOW refuses a link swapped in after resolution.
 */
export async function readUnderRoot(
  root: string | NodeFs,
  nodePath: string,
  maxBytes: number,
): Promise<string> {
  const fs = lstatOnce(fsOf(root));
  const real = await resolveUnderRoot(fs, nodePath, true);
  try {
    // With the walk's lstat of the file (already answered), SFTP reads a small file with its
    // checks in one round trip after the OPEN; one that changed since is read as it is now.
    const read = (described?: NodeStat): Promise<Buffer> => fs.readFile(real, maxBytes, described);
    return (
      await read(await fs.lstat(real)).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'ECHANGED') return read();
        throw e;
      })
    ).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECHANGED') throw fsError('EINVAL', `${nodePath} is not a regular file`);
    if (code === 'EFBIG') throw fsError('EFBIG', `${nodePath} is larger than ${maxBytes} bytes`);
    throw e;
  }
}
