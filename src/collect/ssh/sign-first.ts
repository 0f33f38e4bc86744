import type { Client, ParsedKey } from 'ssh2';

/** ssh2's protocol object: the one method this wraps. */
interface Protocol {
  authPK(user: string, key: unknown, algo?: unknown, sign?: unknown): void;
}

type SignCallback = (data: Buffer, done: (signature: Buffer) => void) => void;

/** The hash of each RSA signature algorithm; other key types sign with their own. */
const RSA_HASH: Record<string, string> = {
  'rsa-sha2-512': 'sha512',
  'rsa-sha2-256': 'sha256',
  'ssh-rsa': 'sha1',
};

const holdsPrivateKey = (k: unknown): k is ParsedKey =>
  typeof k === 'object' &&
  k !== null &&
  typeof (k as ParsedKey).isPrivateKey === 'function' &&
  (k as ParsedKey).isPrivateKey();

/**
 * Offers a private key rkecis holds with its signature in the first request, as OpenSSH's client
 * does for the keys it has loaded (RFC 4252 7 allows either), instead of ssh2's query first
 * ("would this key do?") and the signed request after the node's yes: one round trip fewer, and
 * one authorized_keys lookup fewer on the node. A key the node does not accept is refused all the
 * same; ssh2 then goes on to the next algorithm or key as before. Keys of ssh-agent (public keys
 * here) are still queried first: the agent signs only for a key the node accepts. Call right
 * after conn.connect() (and after sendCertSignatures, whose certificate requests this signs too).
 */
export function signFirst(conn: Client): void {
  const proto = (conn as unknown as { _protocol?: Protocol })._protocol;
  if (proto === undefined) throw new Error('signFirst: call it after connect()');
  const inner = proto.authPK.bind(proto);
  proto.authPK = (user, key, algo, sign) => {
    if (typeof algo === 'function' || sign !== undefined || !holdsPrivateKey(key)) {
      inner(user, key, algo, sign);
      return;
    }
    const hash = typeof algo === 'string' ? RSA_HASH[algo] : undefined;
    const signWith: SignCallback = (data, done) => {
      const signature = key.sign(data, hash) as Buffer | Error;
      // A key that cannot sign is queried instead: ssh2 then reports it as it always has.
      if (signature instanceof Error) inner(user, key, algo);
      else done(signature);
    };
    inner(user, key, algo, signWith);
  };
}
