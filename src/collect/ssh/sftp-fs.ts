import type { SFTPWrapper, Stats } from 'ssh2';
import { fsError, typeOfMode, type NodeFs, type NodeStat } from '../node-fs.js';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02) and the errno names collectors use. */
const SFTP_ERRNO: Record<number, string> = {
  // OpenSSH's sftp-server answers ENOENT, ENOTDIR and ELOOP alike with NO_SUCH_FILE.
  2: 'ENOENT',
  3: 'EACCES',
  4: 'EIO',
  5: 'EIO',
  6: 'ECONNRESET',
  7: 'ECONNRESET',
  8: 'ENOSYS',
};

function sftpError(e: unknown, what: string): NodeJS.ErrnoException {
  const code = (e as { code?: unknown }).code;
  const errno = typeof code === 'number' ? (SFTP_ERRNO[code] ?? `ESFTP${code}`) : 'ECONNRESET';
  return fsError(errno, `${what}: ${(e as Error).message}`);
}

const fromAttrs = (st: Stats): NodeStat => ({
  type: typeOfMode(st.mode),
  perm: st.mode & 0o7777,
  uid: st.uid,
  gid: st.gid,
  size: st.size,
  mtime: st.mtime,
});

const call = <T>(what: string, fn: (cb: (err: Error | undefined, v: T) => void) => void) =>
  new Promise<T>((resolve, reject) => {
    fn((err, v) => {
      if (err) reject(sftpError(err, what));
      else resolve(v);
    });
  });

/** Bytes asked of one READ once a file turned out longer than fstat said. */
const READ_CHUNK = 32 * 1024;

/**
 * The largest file read with its FSTAT, READ and CLOSE sent together: one READ must answer it
 * whole, and ssh2 splits a READ longer than the server's limit (31,952 bytes when the server
 * states none) into READs sent one after another, the later ones after the CLOSE.
 */
const PIPELINED_MAX = 31 * 1024;

/**
 * A node's filesystem over SFTP, as the login user sees it: lstat, readlink, readdir and read,
 * nothing that writes. The node's "/" is the SFTP root.
 *
 * SFTP v3 has no O_NOFOLLOW, so a file read for its content is opened (which follows a link)
 * and then compared with what lstat described (type, size, owner, mode, mtime); a file swapped
 * for a link between the two is refused as changed. That is the most SFTP allows; on a remote
 * node nothing outside the node can be reached either way.
 */
export function sftpFs(sftp: SFTPWrapper, display: string): NodeFs {
  return {
    root: '/',
    display,
    lstat: async (path) =>
      fromAttrs(
        await call<Stats>(`lstat ${String(path)}`, (cb) => {
          sftp.lstat(String(path), cb);
        }),
      ),
    readlink: (path) =>
      call<string>(`readlink ${String(path)}`, (cb) => {
        sftp.readlink(String(path), cb);
      }),
    readdir: (path) => readDir(sftp, path),
    readFile: async (path, maxBytes, described) => {
      const handle = await call<Buffer>(`open ${path}`, (cb) => {
        sftp.open(path, 'r', cb);
      });
      if (
        described !== undefined &&
        described.type === 'file' &&
        described.size < Math.min(maxBytes, PIPELINED_MAX)
      )
        return readDescribed(sftp, handle, path, described);
      try {
        const st = fromAttrs(
          await call<Stats>(`fstat ${path}`, (cb) => {
            sftp.fstat(handle, cb);
          }),
        );
        if (st.type !== 'file') throw fsError('ECHANGED', `${path} is not a regular file`);
        if (described !== undefined && !sameFile(st, described))
          throw fsError('ECHANGED', `${path} is not the file lstat described`);
        if (st.size > maxBytes) throw fsError('EFBIG', `${path} is larger than ${maxBytes} bytes`);
        return await readAll(sftp, handle, path, maxBytes, st.size);
      } finally {
        await closeHandle(sftp, handle);
      }
    },
  };
}

/** What lstat said of a file still holds for the file opened (SFTP's attributes have no inode). */
const sameFile = (st: NodeStat, described: NodeStat): boolean =>
  st.type === 'file' &&
  described.type === 'file' &&
  st.size === described.size &&
  st.uid === described.uid &&
  st.gid === described.gid &&
  st.perm === described.perm &&
  st.mtime === described.mtime;

const closeHandle = (sftp: SFTPWrapper, handle: Buffer): Promise<void> =>
  new Promise<void>((resolve) => {
    sftp.close(handle, () => {
      resolve();
    });
  });

/**
 * A small file whose size lstat told: its FSTAT, one READ of that size and a byte more, and its
 * CLOSE are sent together, one round trip after the OPEN instead of three (the server answers a
 * handle's requests in order). The data counts only if FSTAT shows the file lstat described
 * and the read ends where that size says; a file that changed in between is refused as changed.
 * What was opened is read before its FSTAT is seen: a regular file swapped for a link to a
 * device between the lstat and the OPEN would be read once, then refused. The OPEN of such a
 * swap already reached the device before this (SFTP has no O_NOFOLLOW), and the swap needs
 * someone who can write the node's configuration folders.
 */
async function readDescribed(
  sftp: SFTPWrapper,
  handle: Buffer,
  path: string,
  described: NodeStat,
): Promise<Buffer> {
  const ask = described.size + 1;
  const buf = Buffer.alloc(ask);
  const [stat, read] = await Promise.allSettled([
    call<Stats>(`fstat ${path}`, (cb) => {
      sftp.fstat(handle, cb);
    }),
    readAt(sftp, handle, path, buf, ask, 0),
    closeHandle(sftp, handle),
  ]);
  if (stat.status === 'rejected') throw stat.reason;
  if (!sameFile(fromAttrs(stat.value), described))
    throw fsError('ECHANGED', `${path} is not the file lstat described`);
  if (read.status === 'rejected') throw read.reason;
  if (read.value !== described.size)
    throw fsError('ECHANGED', `${path} changed size while being read`);
  return buf.subarray(0, read.value);
}

/** One READ (ssh2 splits one longer than the server's limit); 0 at end of file. */
const readAt = (
  sftp: SFTPWrapper,
  handle: Buffer,
  path: string,
  buf: Buffer,
  ask: number,
  at: number,
): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    sftp.read(handle, buf, 0, ask, at, (err, bytesRead) => {
      // ssh2 reports end of file as an EOF status error (code 1), or as 0 bytes read.
      if (err !== undefined && (err as { code?: unknown }).code === 1) resolve(0);
      else if (err) reject(sftpError(err, `read ${path}`));
      else resolve(bytesRead);
    });
  });

/**
 * A folder's names: OPENDIR, then two READDIRs at once (OpenSSH answers up to 100 names each, so
 * a small folder's second says end of file), more while names keep coming; the CLOSE is sent
 * without waiting for its answer. Two round trips for a small folder, not four.
 * ssh2 decodes names as UTF-8: a name that is not (its bytes replaced by U+FFFD) then names no
 * file, so its lstat fails and the entry is an error, never skipped.
 */
async function readDir(sftp: SFTPWrapper, path: string): Promise<Buffer[]> {
  const handle = await call<Buffer>(`opendir ${path}`, (cb) => {
    sftp.opendir(path, cb);
  });
  const batch = (): Promise<{ filename: string }[] | undefined> =>
    new Promise((resolve, reject) => {
      sftp.readdir(handle, (err, list) => {
        if (err !== undefined && (err as { code?: unknown }).code === 1) resolve(undefined);
        else if (err) reject(sftpError(err, `readdir ${path}`));
        else resolve(list);
      });
    });
  const names: string[] = [];
  try {
    for (let ahead = 2; ; ahead = 1) {
      const lists = await Promise.all(Array.from({ length: ahead }, batch));
      let end = false;
      for (const list of lists) {
        if (list === undefined) end = true;
        else if (!end) for (const e of list) names.push(e.filename);
      }
      if (end) break;
    }
  } finally {
    sftp.close(handle, () => undefined);
  }
  return names.filter((n) => n !== '.' && n !== '..').map((n) => Buffer.from(n, 'utf8'));
}

/**
 * Reads to the end of file, refusing more than maxBytes (the file may grow after fstat). The
 * first read asks for one byte more than fstat's size: SFTP guarantees a read of a regular file
 * returns what was asked or up to the end of the file, so a shorter answer is the end, and a
 * small file takes one READ, not a READ and another one for end of file.
 */
async function readAll(
  sftp: SFTPWrapper,
  handle: Buffer,
  path: string,
  maxBytes: number,
  size: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let ask = Math.min(size + 1, READ_CHUNK);
  for (;;) {
    const buf = Buffer.alloc(ask);
    const n = await readAt(sftp, handle, path, buf, ask, total);
    total += n;
    if (total > maxBytes) throw fsError('EFBIG', `${path} is larger than ${maxBytes} bytes`);
    if (n > 0) chunks.push(buf.subarray(0, n));
    if (n < ask) break;
    ask = READ_CHUNK;
  }
  return Buffer.concat(chunks);
}
