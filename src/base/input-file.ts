import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { systemReason } from '../text/system-error.js';
import { InputError } from './errors.js';

/**
 * Every file a user names as input goes through here before anything reads it: evidence bundles,
 * profile, waivers and cluster.yml files, kubeconfigs and the CA, certificate and key files they
 * name, SSH keys, known_hosts, remediate's and diff's inputs. It must be a regular file (symlinks
 * are followed) of bounded size: a FIFO would block the read forever, /dev/zero or /dev/urandom
 * would fill memory, and a folder or socket cannot be read at all. Whatever is wrong, the user
 * gets one message naming the path as they gave it, and exit 2.
 */

export const MiB = 1024 * 1024;

/** A file that cannot be used as input. `problem` is the reason alone, for callers that compose. */
export class UnreadableFile extends InputError {
  constructor(
    readonly path: string,
    readonly problem: string,
    label: string,
    /** The system's error code when a system call failed (ENOENT...), for callers that tell them apart. */
    readonly code?: string,
  ) {
    super(`${label}: ${problem}`);
  }
}

export interface InputFileOptions {
  /** The largest size accepted, in bytes. */
  maxBytes: number;
  /** How the message names the input (`--known-hosts FILE`); the path when not given. */
  label?: string;
  /** What the file should have been, added to a wrong type or size: "not an evidence bundle". */
  expected?: string;
  /** `-` reads standard input, with the same bound. */
  stdin?: boolean;
}

/** What a path that is not a regular file is, in words. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const size = (bytes: number): string =>
  bytes % MiB === 0
    ? `${bytes / MiB} MiB`
    : bytes % 1024 === 0
      ? `${bytes / 1024} KiB`
      : `${bytes} bytes`;

/** Why a file could not be opened or read, in the words of src/text/system-error.ts. */
const reasonOf = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  // A file where the path needs a folder: the path does not exist either.
  if (code === 'ENOTDIR') return `no such file (${systemReason(e)})`;
  return `cannot read: ${systemReason(e)}`;
};

/** Opens and checks a file: a regular file no bigger than the bound. The caller closes the fd. */
function openChecked(path: string, opts: InputFileOptions): number {
  const label = opts.label ?? path;
  const not = opts.expected !== undefined ? `; not ${opts.expected}` : '';
  const check = (st: Stats): void => {
    if (!st.isFile()) {
      const kind = fileKind(st);
      const problem = kind === 'not a regular file' ? kind : `${kind}, not a regular file`;
      throw new UnreadableFile(path, `${problem}${not}`, label);
    }
    if (st.size > opts.maxBytes)
      throw new UnreadableFile(path, `larger than ${size(opts.maxBytes)}${not}`, label);
  };
  let fd: number;
  try {
    // Looked at before it is opened: opening a device can act (a watchdog starts counting, a
    // tape rewinds), and a FIFO would wait for a writer.
    check(statSync(path));
    // O_NONBLOCK: should the path have become a FIFO meanwhile, the open does not wait either.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new UnreadableFile(path, reasonOf(e), label, (e as NodeJS.ErrnoException).code);
  }
  try {
    check(fstatSync(fd));
  } catch (e) {
    closeSync(fd);
    if (e instanceof InputError) throw e;
    throw new UnreadableFile(path, reasonOf(e), label, (e as NodeJS.ErrnoException).code);
  }
  return fd;
}

/** Reads an open fd to its end, never past the bound (a file may grow while it is read). */
function readBounded(fd: number, path: string, opts: InputFileOptions): Buffer {
  const label = opts.label ?? path;
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, opts.maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // A non-blocking stdin with nothing yet: wait for it (stdin is a pipe or a file here).
      if (err.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (err.code === 'EOF') break;
      throw new UnreadableFile(path, reasonOf(e), label, (e as NodeJS.ErrnoException).code);
    }
    if (n === 0) break;
    total += n;
    if (total > opts.maxBytes) {
      const not = opts.expected !== undefined ? `; not ${opts.expected}` : '';
      throw new UnreadableFile(path, `larger than ${size(opts.maxBytes)}${not}`, label);
    }
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks);
}

/** The bytes of an input file (or of stdin for `-` when allowed), checked and bounded. */
export function readInputFile(path: string, opts: InputFileOptions): Buffer {
  if (path === '-' && opts.stdin === true) return readBounded(0, path, opts);
  const fd = openChecked(path, opts);
  try {
    return readBounded(fd, path, opts);
  } finally {
    closeSync(fd);
  }
}

/** The text of an input file, as UTF-8. */
export function readInputText(path: string, opts: InputFileOptions): string {
  return readInputFile(path, opts).toString('utf8');
}

/**
 * Checks a file that another library reads by its path (the Kubernetes client reads the
 * kubeconfig and its CA, certificate and key files itself): the same check as a read, without it.
 */
export function checkInputFile(path: string, opts: InputFileOptions): void {
  closeSync(openChecked(path, opts));
}
