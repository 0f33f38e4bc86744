import { blobType, fingerprint } from './known-hosts.js';

/**
 * An OpenSSH user certificate (PROTOCOL.certkeys), read far enough to check it against its key
 * and to say why a node may refuse it: which key it certifies, for whom, when, and which CA
 * signed it. The node verifies the CA's signature; rkecis only reads.
 */
export interface SshCertificate {
  /** e.g. ssh-ed25519-cert-v01@openssh.com */
  type: string;
  /** The whole certificate blob, as it is sent to the server. */
  blob: Buffer;
  /** The certified public key as a plain key blob (ssh-ed25519, ssh-rsa, ...). */
  publicKey: Buffer;
  serial: bigint;
  /** 1 user, 2 host. */
  certType: number;
  keyId: string;
  /** Empty: valid for any user. */
  principals: string[];
  /** Seconds since the epoch; validBefore 2^64-1 means forever. */
  validAfter: bigint;
  validBefore: bigint;
  /** The CA's public key blob. */
  signatureKey: Buffer;
}

/** How many SSH fields each key type's public part has, after the certificate's nonce. */
const KEY_FIELDS: Record<string, number> = {
  'ssh-ed25519': 1,
  'ssh-rsa': 2,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
  'ssh-dss': 4,
};

export const CERT_SUFFIX = '-cert-v01@openssh.com';
export const FOREVER = 0xffff_ffff_ffff_ffffn;

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  get offset(): number {
    return this.at;
  }
  get done(): boolean {
    return this.at >= this.buf.length;
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error('the certificate is truncated');
  }
  bytes(): Buffer {
    this.need(4);
    const n = this.buf.readUInt32BE(this.at);
    this.need(4 + n);
    const out = this.buf.subarray(this.at + 4, this.at + 4 + n);
    this.at += 4 + n;
    return out;
  }
  text(): string {
    return this.bytes().toString('utf8');
  }
  u32(): number {
    this.need(4);
    const n = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return n;
  }
  u64(): bigint {
    this.need(8);
    const n = this.buf.readBigUInt64BE(this.at);
    this.at += 8;
    return n;
  }
}

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/**
 * Parses a certificate as ssh-keygen writes it (`TYPE BASE64 [comment]`, the -cert.pub file or
 * cluster.yml's ssh_cert). Throws an Error saying what is wrong with it.
 */
export function parseCertificate(text: string): SshCertificate {
  const fields = text.trim().split(/\s+/);
  const [type, b64] = fields;
  if (type === undefined || b64 === undefined || !type.endsWith(CERT_SUFFIX))
    throw new Error(
      'not an OpenSSH certificate (expected a line "ssh-ed25519-cert-v01@openssh.com AAAA...", as ssh-keygen -s writes it)',
    );
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error('the certificate is not base64');
  const blob = Buffer.from(b64, 'base64');
  if (blobType(blob) !== type)
    throw new Error(`the certificate says it is ${blobType(blob)}, its line says ${type}`);
  return parseCertificateBlob(blob);
}

/** Parses a certificate blob (as an agent or a server sends it). */
export function parseCertificateBlob(blob: Buffer): SshCertificate {
  const type = blobType(blob);
  if (!type.endsWith(CERT_SUFFIX)) throw new Error(`${type} is not a certificate`);
  const keyType = type.slice(0, -CERT_SUFFIX.length);
  const count = KEY_FIELDS[keyType];
  if (count === undefined)
    throw new Error(
      `certificates of ${keyType} keys are not supported (ed25519, RSA, ECDSA and DSA are)`,
    );
  const r = new Reader(blob);
  r.bytes(); // type
  r.bytes(); // nonce
  const start = r.offset;
  for (let i = 0; i < count; i++) r.bytes();
  const publicKey = Buffer.concat([
    sshString(Buffer.from(keyType)),
    blob.subarray(start, r.offset),
  ]);
  const serial = r.u64();
  const certType = r.u32();
  const keyId = r.text();
  const list = new Reader(r.bytes());
  const principals: string[] = [];
  while (!list.done) principals.push(list.text());
  const validAfter = r.u64();
  const validBefore = r.u64();
  r.bytes(); // critical options
  r.bytes(); // extensions
  r.bytes(); // reserved
  const signatureKey = r.bytes();
  r.bytes(); // signature
  return {
    type,
    blob,
    publicKey,
    serial,
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    signatureKey,
  };
}

const when = (seconds: bigint): string =>
  seconds >= FOREVER
    ? 'forever'
    : new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, 'Z');

/** "key ID "x", serial 3, signed by CA ssh-ed25519 SHA256:..." for messages. */
export function describeCertificate(c: SshCertificate): string {
  return `key ID ${JSON.stringify(c.keyId)}, serial ${c.serial}, signed by CA ${blobType(c.signatureKey)} ${fingerprint(c.signatureKey)}`;
}

/**
 * Why a node would refuse this certificate for `user` at `now`, as far as can be known without
 * the node (which CA it trusts is the node's business), or undefined.
 */
export function certificateProblem(c: SshCertificate, user: string, now: Date): string | undefined {
  if (c.certType !== 1) return 'it is a host certificate, not a user certificate';
  const t = BigInt(Math.floor(now.getTime() / 1000));
  if (t < c.validAfter) return `it is not valid before ${when(c.validAfter)}`;
  if (t >= c.validBefore) return `it expired at ${when(c.validBefore)}`;
  if (c.principals.length > 0 && !c.principals.includes(user))
    return `it is for the principals ${c.principals.map((p) => JSON.stringify(p)).join(', ')}, not the SSH user ${JSON.stringify(user)}`;
  return undefined;
}
