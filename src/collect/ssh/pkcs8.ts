import { createPrivateKey, randomBytes } from 'node:crypto';

/**
 * ssh2 reads OpenSSH and the traditional PEM formats (RSA PRIVATE KEY, EC PRIVATE KEY), not
 * PKCS#8 ("BEGIN PRIVATE KEY", what `openssl genpkey` writes), which RKE's Go client reads too.
 * This rewrites an unencrypted PKCS#8 key in a format ssh2 reads: RSA as PKCS#1, ECDSA as SEC1,
 * Ed25519 as an unencrypted openssh-key-v1. Anything else is returned as it is (ssh2 then says
 * what it cannot read).
 */
export function fromPkcs8(key: Buffer): Buffer {
  const text = key.toString('utf8');
  if (!text.includes('-----BEGIN PRIVATE KEY-----')) return key;
  let k;
  try {
    k = createPrivateKey(text);
  } catch {
    return key;
  }
  switch (k.asymmetricKeyType) {
    case 'rsa':
      return Buffer.from(k.export({ format: 'pem', type: 'pkcs1' }));
    case 'ec':
      return Buffer.from(k.export({ format: 'pem', type: 'sec1' }));
    case 'ed25519': {
      const jwk = k.export({ format: 'jwk' });
      if (jwk.d === undefined || jwk.x === undefined) return key;
      return openSshEd25519(Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url'));
    }
    default:
      return key;
  }
}

const str = (b: Buffer | string): Buffer => {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** PROTOCOL.key: an unencrypted openssh-key-v1 holding one Ed25519 key. */
function openSshEd25519(seed: Buffer, pub: Buffer): Buffer {
  const pubBlob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([
    check,
    check,
    str('ssh-ed25519'),
    str(pub),
    str(Buffer.concat([seed, pub])),
    str(''),
  ]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    str('none'),
    str('none'),
    str(''),
    u32(1),
    str(pubBlob),
    str(priv),
  ]);
  const b64 = body.toString('base64').replace(/.{70}/g, '$&\n');
  return Buffer.from(
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`,
  );
}
