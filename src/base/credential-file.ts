import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemReason } from '../text/system-error.js';
import { readInputFile, UnreadableFile } from './input-file.js';

/** A key, certificate or passphrase file is a few KB; anything near this is not one. */
export const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/** `~` and `~/...` as RKE expands them: $HOME, else the account's home. */
export const expandHome = (path: string, env: NodeJS.ProcessEnv): string =>
  path === '~' || path.startsWith('~/')
    ? join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), path.slice(1))
    : path;

/**
 * Reads an SSH key, certificate or passphrase file through the one input-file reader: a regular
 * file of at most MAX_CREDENTIAL_BYTES, looked at before it is opened (a FIFO or /dev/zero named
 * as a key would hang or fill memory). Every place that reads such a file goes through here.
 * Throws UnreadableFile (its `problem` in words) or the errno error.
 */
export function readCredentialFile(path: string): Buffer {
  return readInputFile(path, {
    maxBytes: MAX_CREDENTIAL_BYTES,
    expected: 'a key, certificate or passphrase',
  });
}

/** "no such file" rather than Node's "ENOENT: no such file or directory, open '...'". */
export const credentialFileProblem = (e: unknown): string =>
  e instanceof UnreadableFile ? e.problem : systemReason(e);
