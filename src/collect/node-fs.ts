import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import type { PresentFile } from '../evidence/schema.js';

/**
 * What the host-file collector needs of a node's filesystem: lstat, readlink, readdir, and the
 * reading of a small regular file. Two implementations: the local filesystem under `--root`
 * (this file) and SFTP over SSH (src/ssh/sftp-fs.ts). Paths are the filesystem's own absolute
 * paths; src/collect/root-path.ts maps a node path onto them without ever leaving `root`.
 *
 * Failures are thrown as errors whose `code` is an errno name (ENOENT, ENOTDIR, EACCES, ELOOP,
 * EIO...), whatever the transport, plus two of ours from readFile: ECHANGED (what was opened
 * is not the regular file that was described) and EFBIG (larger than the cap).
 */
export interface NodeFs {
  /** The path at which the node's "/" is found in this filesystem ("/" over SFTP). */
  readonly root: string;
  /** Where the files are read, as the evidence records it (collector.root). */
  readonly display: string;
  lstat(path: string | Buffer): Promise<NodeStat>;
  readlink(path: string | Buffer): Promise<string>;
  /**
   * Entry names, without "." and "..", in no particular order, as bytes: a Linux name is bytes,
   * and one that is not UTF-8 must still name its file when it is examined.
   */
  readdir(path: string): Promise<Buffer[]>;
  /**
   * Reads a whole regular file of at most `maxBytes`. The final component is never followed
   * where the transport can refuse it (O_NOFOLLOW locally); where it cannot (SFTP), the opened
   * file must still match `described` (the lstat that was reported) or ECHANGED is thrown.
   */
  readFile(path: string, maxBytes: number, described?: NodeStat): Promise<Buffer>;
}

export interface NodeStat {
  type: PresentFile['type'];
  /** st_mode's permission, setuid/setgid and sticky bits (mode & 0o7777). */
  perm: number;
  uid: number;
  gid: number;
  size: number;
  /** Modification time in whole seconds (SFTP's resolution), to notice a swapped file. */
  mtime: number;
}

/** Our own error codes, with the errno-style `code` the collectors switch on. */
export const fsError = (code: string, message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code });

/** File type from st_mode's S_IFMT bits: both fs.Stats and SFTP attributes carry the full st_mode. */
export function typeOfMode(mode: number): PresentFile['type'] {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o140000:
      return 'socket';
    case 0o010000:
      return 'fifo';
    case 0o060000:
    case 0o020000:
      return 'device';
    default:
      return 'other';
  }
}

/** The filesystems lstatOnce made: wrapping one again would only add a second memo. */
const memoized = new WeakSet<NodeFs>();

/**
 * The filesystem with each path's lstat asked once, for one node scan: resolveUnderRoot checks
 * every component of every file's path for a link (/etc ten times a scan), and over SFTP each
 * lstat is a request and its answer. What one scan sees of a path is then one answer.
 */
export function lstatOnce(fs: NodeFs): NodeFs {
  if (memoized.has(fs)) return fs;
  const seen = new Map<string, Promise<NodeStat>>();
  const once: NodeFs = {
    root: fs.root,
    display: fs.display,
    lstat: (path) => {
      if (typeof path !== 'string') return fs.lstat(path);
      let st = seen.get(path);
      if (st === undefined) {
        st = fs.lstat(path);
        seen.set(path, st);
      }
      return st;
    },
    readlink: (path) => fs.readlink(path),
    readdir: (path) => fs.readdir(path),
    readFile: (path, maxBytes, described) => fs.readFile(path, maxBytes, described),
  };
  memoized.add(once);
  return once;
}

const fromStats = (st: Stats): NodeStat => ({
  type: typeOfMode(st.mode),
  perm: st.mode & 0o7777,
  uid: st.uid,
  gid: st.gid,
  size: st.size,
  mtime: Math.floor(st.mtimeMs / 1000),
});

/** The filesystem of this machine, with the node's "/" at `root` (`--root /host` in a container). */
export function localFs(root: string): NodeFs {
  return {
    root,
    display: root,
    lstat: async (path) => fromStats(await lstat(path)),
    readlink: (path) => readlink(path),
    readdir: (path) => readdir(path, { encoding: 'buffer' }),
    readFile: readLocalFile,
  };
}

/**
 * Opens without following a link (a link swapped in after lstat is refused with ELOOP) and
 * without touching the access time where the kernel allows it; re-checks type and size on the
 * open file.
 */
async function readLocalFile(path: string, maxBytes: number): Promise<Buffer> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  // O_NOATIME is refused (EPERM) unless we own the file or hold CAP_FOWNER; then do without.
  const fh: FileHandle = await open(path, flags | constants.O_NOATIME).catch(() =>
    open(path, flags),
  );
  try {
    const now = await fh.stat();
    if (!now.isFile()) throw fsError('ECHANGED', `${path} is not a regular file`);
    if (now.size > maxBytes) throw fsError('EFBIG', `${path} is larger than ${maxBytes} bytes`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
