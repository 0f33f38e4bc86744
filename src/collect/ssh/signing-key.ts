import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { ParsedKey } from 'ssh2';

/** The hash each key type signs with when the caller names none (ssh2's own defaults). */
const DEFAULT_HASH: Record<string, string | null> = {
  'ssh-ed25519': null,
  'ssh-rsa': 'sha1',
  'ssh-dss': 'sha1',
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/**
 * The parsed private key, signing with one KeyObject made here. ssh2's own `sign` hands crypto the
 * key's PEM text, which is parsed again for every signature: every node of a cluster, every
 * attempt. Made once per key per run (the identity is loaded once, ssh-scan.ts), the parse is
 * done once. Same signatures: crypto.sign with the same hash and key (PKCS #1 v1.5 for RSA, DER
 * for ECDSA, which ssh2 converts as before). A key type not listed keeps ssh2's signing.
 */
export function signingKey(key: ParsedKey): ParsedKey {
  const hash = DEFAULT_HASH[key.type];
  if (hash === undefined || !key.isPrivateKey()) return key;
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  // Everything else (type, public blob, equals, ssh2's own marks) is the parsed key's.
  const k = Object.create(key) as ParsedKey;
  Object.defineProperty(k, 'sign', {
    value: (data: Buffer | string, algo?: string): Buffer | Error => {
      try {
        return sign(algo ?? hash, typeof data === 'string' ? Buffer.from(data) : data, keyObject);
      } catch (e) {
        return e as Error;
      }
    },
  });
  return k;
}
