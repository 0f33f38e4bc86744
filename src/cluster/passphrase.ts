import { InputError } from '../base/errors.js';
import { credentialFileProblem, readCredentialFile } from '../base/credential-file.js';

/** The environment variable that may hold the passphrase of encrypted SSH keys. */
export const PASSPHRASE_ENV = 'RKECIS_SSH_PASSPHRASE';

/**
 * The passphrase of encrypted SSH keys (every key of cluster.yml that is encrypted, the bastion's
 * too): from --ssh-passphrase-file (its first line), else RKECIS_SSH_PASSPHRASE. Never from the
 * command line itself, where other users of the machine could read it in the process list.
 */
export function readPassphrase(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): Buffer | undefined {
  if (file !== undefined) {
    let text: Buffer;
    try {
      text = readCredentialFile(file);
    } catch (e) {
      throw new InputError(`--ssh-passphrase-file ${file}: ${credentialFileProblem(e)}`);
    }
    // A file written by `echo` ends with a newline that is not part of the passphrase.
    const end = text.indexOf(0x0a);
    const line =
      end === -1 ? text : text.subarray(0, end > 0 && text[end - 1] === 0x0d ? end - 1 : end);
    if (line.length === 0)
      throw new InputError(`--ssh-passphrase-file ${file}: the file is empty (no passphrase)`);
    return line;
  }
  const fromEnv = env[PASSPHRASE_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? Buffer.from(fromEnv) : undefined;
}
