import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../base/errors.js';
import { fileKind } from '../base/input-file.js';

/**
 * How an output path is written; the one place that decides it, for every file rkecis writes
 * (reports, bundles, diffs, remediate's files), before anything is written.
 *
 * - A new path or a regular file is **replaced**: a temporary file in the same folder, renamed
 *   onto it when whole (write-files.ts), so a reader never sees half a report.
 * - A character device (`/dev/null`, a terminal), a FIFO, or a path that names an open file
 *   descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`) is **written in place**, opened
 *   without O_CREAT or O_TRUNC and appended to, as a shell's `>>` would: renaming a file over it
 *   would destroy the device node or the link, and a report would never reach the reader.
 * - A **symlink is followed**, link by link, and what it leads to decides: a regular file at the
 *   end is replaced where it is (the temporary file beside it, in its own folder), so the link
 *   stays a link. A link to nothing is refused rather than created, and so is a link, in a
 *   sticky world-writable folder (/tmp), owned by neither the user running rkecis nor the folder's
 *   owner: the kernel's fs.protected_symlinks would not let a shell follow it, and rkecis must
 *   not replace the file another user's link points at (as root: /etc/shadow).
 * - A folder, a block device (a disk) or a socket is refused.
 */
export type OutputTarget =
  | {
      how: 'replace';
      /** The path as given, for messages. */
      path: string;
      /** The file renamed onto: the path, or the file its links lead to. */
      file: string;
    }
  | {
      how: 'in-place';
      path: string;
      /** What it is, for messages: "a character device", "a FIFO (named pipe)", ... */
      kind: string;
      /**
       * The path names this process's own stdout or stderr (/dev/stdout): written through that
       * stream, as the rest of the run's output is. Opening the path anew would fail on a socket
       * (ENXIO), which is what stdout is under many supervisors and parent processes.
       */
      stream?: 'stdout' | 'stderr';
    };

/** Links followed before giving up, as the kernel's MAXSYMLINKS. */
const MAX_LINKS = 40;

const refuse = (path: string, why: string): InputError =>
  new InputError(`cannot write ${path}: ${why}`);

/** /proc/<pid>/fd (or a thread's): its entries are the process's open file descriptors. */
const DESCRIPTOR_DIR = /^\/proc\/(?:self|thread-self|\d+)(?:\/task\/\d+)?\/fd$/;

/** Whether `p` names an open file descriptor, and which stream when it is this process's 1 or 2. */
function descriptorOf(p: string): { stream?: 'stdout' | 'stderr' } | undefined {
  let dir: string;
  try {
    dir = realpathSync(dirname(p));
  } catch {
    return undefined;
  }
  if (!DESCRIPTOR_DIR.test(dir)) return undefined;
  const own = [`/proc/${process.pid}/fd`, `/proc/${process.pid}/task/${process.pid}/fd`];
  const fd = basename(p);
  if (own.includes(dir) && fd === '1') return { stream: 'stdout' };
  if (own.includes(dir) && fd === '2') return { stream: 'stderr' };
  return {};
}

/** fs.protected_symlinks: whether the kernel would let this process follow the link at `p`. */
function mayFollow(p: string, link: Stats): boolean {
  const me = process.geteuid?.();
  if (me === undefined || link.uid === me) return true;
  let dir: Stats;
  try {
    dir = statSync(dirname(p));
  } catch {
    return false;
  }
  const stickyWorldWritable = (dir.mode & 0o1000) !== 0 && (dir.mode & 0o002) !== 0;
  return !stickyWorldWritable || link.uid === dir.uid;
}

const errnoText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EACCES' || err.code === 'EPERM'
    ? 'permission denied'
    : err.code === 'ENOTDIR'
      ? 'a part of its path is not a folder'
      : `${err.code ?? ''} ${err.message}`.trim();
};

/** Decides how `path` is written; an InputError (exit 2) when it cannot be. */
export function outputTarget(path: string): OutputTarget {
  let p = resolve(path);
  for (let links = 0; ; links++) {
    const descriptor = descriptorOf(p);
    if (descriptor !== undefined) {
      // /proc/self/fd/1 is a "magic link" to whatever the descriptor is (a pipe is no path):
      // only the kernel can follow it, by opening it.
      let st: Stats;
      try {
        st = statSync(p);
      } catch (e) {
        throw refuse(path, errnoText(e));
      }
      if (st.isFile() || st.isFIFO() || st.isCharacterDevice() || st.isSocket()) {
        const kind = `an open file descriptor (${st.isFile() ? 'a file' : fileKind(st)})`;
        return { how: 'in-place', path, kind, ...descriptor };
      }
      throw refuse(path, fileKind(st));
    }
    let st: Stats | undefined;
    try {
      st = lstatSync(p, { throwIfNoEntry: false });
    } catch (e) {
      throw refuse(path, errnoText(e));
    }
    if (st === undefined) {
      if (links > 0) throw refuse(path, `a symlink to ${p}, which does not exist`);
      let dir: Stats | undefined;
      try {
        dir = statSync(dirname(p), { throwIfNoEntry: false });
      } catch (e) {
        throw refuse(path, errnoText(e));
      }
      if (dir === undefined) throw refuse(path, `no such folder ${dirname(p)}`);
      if (!dir.isDirectory()) throw refuse(path, `${dirname(p)} is not a folder`);
      return { how: 'replace', path, file: p };
    }
    if (st.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw refuse(path, 'too many levels of symlinks');
      if (!mayFollow(p, st)) {
        throw refuse(
          path,
          `${p} is a symlink in a sticky world-writable folder, owned by another user; not followed`,
        );
      }
      try {
        p = resolve(dirname(p), readlinkSync(p));
      } catch (e) {
        throw refuse(path, errnoText(e));
      }
      continue;
    }
    if (st.isFile()) return { how: 'replace', path, file: p };
    if (st.isCharacterDevice() || st.isFIFO()) return { how: 'in-place', path, kind: fileKind(st) };
    if (st.isBlockDevice())
      throw refuse(path, 'a block device; rkecis writes files, never onto a disk');
    throw refuse(path, fileKind(st));
  }
}
