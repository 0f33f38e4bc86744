import type { ParsedKey } from 'ssh2';
import { certKeys, type CertKey } from './cert-auth.js';
import {
  certificateProblem,
  describeCertificate,
  parseCertificate,
  type SshCertificate,
} from './certificate.js';
import { blobType, fingerprint } from './known-hosts.js';
import { fromPkcs8 } from './pkcs8.js';
import { signingKey } from './signing-key.js';

/** A private key as cluster.yml gives it, with its certificate when there is one. */
export interface IdentitySpec {
  /** Private key text (OpenSSH or PEM), possibly encrypted. */
  key: Buffer;
  /** Where it came from, for messages: "ssh_key_path ~/.ssh/id_rsa", "the ssh_key of node n1". */
  keySource: string;
  /** An OpenSSH user certificate of that key (ssh_cert / ssh_cert_path). */
  cert?: Buffer;
  certSource?: string;
}

/** What authentication offers, in order, and what to say if the node accepts none of it. */
export interface Identity {
  keys: (ParsedKey | CertKey)[];
  /** "the certificate ssh_cert_path x (key ID ...) and the key ssh_key_path y". */
  tried: string;
  /** Why the certificate was not offered, when it was not. */
  certNote?: string;
}

/** A key or certificate that cannot be used: the node's "not scanned" reason. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

export const PASSPHRASE_HINT =
  'give its passphrase in the environment variable RKECIS_SSH_PASSPHRASE or in a file named by --ssh-passphrase-file, or load it into ssh-agent and set ssh_agent_auth: true';

/**
 * Turns a key (and its certificate) into what ssh2 offers: the certificate first, then the plain
 * key, as OpenSSH's client does. An encrypted key is decrypted with the passphrase; a wrong
 * passphrase, a key ssh2 cannot read, or a certificate of another key is an IdentityError naming
 * the file. A certificate that has expired or is not for `user` is left out (the plain key may
 * still be accepted) and the reason kept for the message if it is not.
 */
export async function loadIdentity(
  spec: IdentitySpec,
  user: string,
  passphrase: Buffer | undefined,
  now: Date = new Date(),
): Promise<Identity> {
  // ssh2 is CommonJS; its `utils` is a property of the module object, not a named export.
  const ssh2 = await import('ssh2');
  const { utils } = (ssh2 as unknown as { default: typeof ssh2 }).default;
  const parsed = utils.parseKey(fromPkcs8(spec.key), passphrase);
  if (parsed instanceof Error) throw new IdentityError(keyProblem(parsed, spec, passphrase));
  if (!parsed.isPrivateKey())
    throw new IdentityError(`${spec.keySource} is a public key: it must name the private key`);
  const key: ParsedKey = signingKey(parsed);
  const keyText = `the key ${spec.keySource}`;
  if (spec.cert === undefined) return { keys: [key], tried: keyText };
  const certSource = spec.certSource ?? 'the certificate';
  let cert: SshCertificate;
  try {
    cert = parseCertificate(spec.cert.toString('utf8'));
  } catch (e) {
    throw new IdentityError(`${certSource}: ${(e as Error).message}`);
  }
  const pub = key.getPublicSSH();
  if (!cert.publicKey.equals(pub)) {
    throw new IdentityError(
      `${certSource} certifies another key (${blobType(cert.publicKey)} ${fingerprint(cert.publicKey)}) than ${spec.keySource} (${blobType(pub)} ${fingerprint(pub)})`,
    );
  }
  const certText = `the certificate ${certSource} (${describeCertificate(cert)})`;
  const problem = certificateProblem(cert, user, now);
  if (problem !== undefined) {
    return {
      keys: [key],
      tried: keyText,
      certNote: `${certText} was not offered: ${problem}`,
    };
  }
  return { keys: [...certKeys(key, cert), key], tried: `${certText} and ${keyText}` };
}

function keyProblem(e: Error, spec: IdentitySpec, passphrase: Buffer | undefined): string {
  if (/no passphrase given/i.test(e.message))
    return `${spec.keySource} is encrypted: ${PASSPHRASE_HINT}`;
  if (passphrase !== undefined && /passphrase|integrity check|decrypt/i.test(e.message))
    return `${spec.keySource}: the passphrase given does not decrypt it (wrong passphrase)`;
  return `${spec.keySource}: not a private key rkecis can read (${e.message})`;
}
