import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A key, certificate or passphrase file is a few KB; anything near this is not one. */
export const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/** `~` and `~/...` as RKE expands them: $HOME, else the account's home. */
export const expandHome = (path: string, env: NodeJS.ProcessEnv): string =>
  path === '~' || path.startsWith('~/')
    ? join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), path.slice(1))
    : path;

/**
 * Reads an SSH key, certificate or passphrase file: a regular file of at most
 * MAX_CREDENTIAL_BYTES (a FIFO or /dev/zero named as a key would hang or fill memory).
 * Every place that reads such a file goes through here. Throws the errno error, or one with
 * code EFBIG / EISDIR / EINVAL for a file that is too large or not a regular file.
 */
export function readCredentialFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const fail = (code: string, message: string): never => {
      throw Object.assign(new Error(message), { code });
    };
    if (st.isDirectory()) fail('EISDIR', 'a folder, not a file');
    if (!st.isFile()) fail('EINVAL', 'not a regular file');
    if (st.size > MAX_CREDENTIAL_BYTES)
      fail(
        'EFBIG',
        `larger than ${MAX_CREDENTIAL_BYTES} bytes: not a key, certificate or passphrase`,
      );
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** "no such file" rather than Node's "ENOENT: no such file or directory, open '...'". */
export function credentialFileProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
    case 'EINVAL':
    case 'EFBIG':
      return err.message;
    default:
      return err.message;
  }
}
