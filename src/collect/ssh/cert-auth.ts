import { createRequire } from 'node:module';
import type { Client, ParsedKey } from 'ssh2';
import type { SshCertificate } from './certificate.js';

/**
 * OpenSSH user certificates for ssh2, which has none. A certificate key offers the certificate
 * blob under its algorithm name (ssh-ed25519-cert-v01@openssh.com) and signs with the private
 * key; the signature inside the request must then name the plain algorithm (ssh-ed25519), and
 * ssh2 (1.17) writes the certificate's name there, which sshd refuses. So the signed request of a
 * certificate key is written here, the way PROTOCOL.certkeys and RFC 4252 7 lay it out; every
 * other request is ssh2's own. Proved against sshd with TrustedUserCAKeys
 * (test/integration/cluster-reach.test.ts).
 */

/** ssh2 internals this needs: the protocol object of a connection and two helpers. */
interface Protocol {
  authPK(user: string, key: unknown, algo?: unknown, sign?: unknown): void;
  _kex: { sessionID: Buffer };
  _packetRW: {
    write: { alloc(n: number): Buffer; allocStart: number; finalize(b: Buffer): Buffer };
  };
  _authsQueue: string[];
}
interface Ssh2Utils {
  sendPacket: (proto: Protocol, packet: Buffer) => void;
  convertSignature: (sig: Buffer, keyType: string) => Buffer | false;
}
const ssh2Utils = (): Ssh2Utils =>
  createRequire(import.meta.url)('ssh2/lib/protocol/utils.js') as Ssh2Utils;

/** A parsed key that offers a certificate: what ssh2's authHandler (or an agent) gives it. */
export type CertKey = ParsedKey & {
  readonly signatureAlgorithm: string;
  /** The flags ssh-agent signs with for this algorithm (rsa-sha2-512: 4). */
  readonly agentFlags: number;
};

export const isCertKey = (k: unknown): k is CertKey =>
  typeof k === 'object' && k !== null && typeof (k as CertKey).signatureAlgorithm === 'string';

/** How a certificate of each key type is offered: [algorithm, signature algorithm, hash, agent flags]. */
function algorithms(
  keyType: string,
  certType: string,
): [string, string, string | undefined, number][] {
  if (keyType === 'ssh-rsa')
    return [
      // OpenSSH 7.8+; before it, only the SHA-1 name (refused by OpenSSH 8.8+ by default).
      ['rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-512', 'sha512', 4],
      [certType, 'ssh-rsa', 'sha1', 0],
    ];
  return [[certType, keyType, undefined, 0]];
}

/** `key` (private, or public when an agent signs) presenting the certificate. */
function variants(
  key: ParsedKey,
  cert: SshCertificate,
  sign: ((data: Buffer, hash: string | undefined) => Buffer | Error) | undefined,
): CertKey[] {
  return algorithms(key.type, cert.type).map(
    ([algorithm, signatureAlgorithm, hash, agentFlags]) => {
      const k = Object.create(key) as CertKey;
      Object.defineProperties(k, {
        type: { value: algorithm },
        signatureAlgorithm: { value: signatureAlgorithm },
        agentFlags: { value: agentFlags },
        getPublicSSH: { value: () => cert.blob },
        ...(sign !== undefined ? { sign: { value: (data: Buffer) => sign(data, hash) } } : {}),
      });
      return k;
    },
  );
}

/**
 * The keys to offer for a private key and its certificate, best first: each is the private key
 * (signing as it does) presenting the certificate.
 */
export function certKeys(key: ParsedKey, cert: SshCertificate): CertKey[] {
  const { convertSignature } = ssh2Utils();
  return variants(key, cert, (data, hash) => {
    const raw = key.sign(data, hash);
    if (raw instanceof Error) return raw;
    const sig = convertSignature(raw, key.type);
    return sig === false ? new Error('cannot encode the signature') : sig;
  });
}

/** A certificate ssh-agent holds, for the agent to sign with (its public key, parsed). */
export function agentCertKeys(publicKey: ParsedKey, cert: SshCertificate): CertKey[] {
  return variants(publicKey, cert, undefined);
}

const sshString = (b: Buffer | string): Buffer => {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};

const USERAUTH_REQUEST = 50;

/**
 * Makes a connection send certificate signatures correctly. Call right after conn.connect()
 * (which creates the protocol object), before authentication starts.
 */
export function sendCertSignatures(conn: Client): void {
  const proto = (conn as unknown as { _protocol?: Protocol })._protocol;
  if (proto === undefined) throw new Error('sendCertSignatures: call it after connect()');
  const { sendPacket } = ssh2Utils();
  const original = proto.authPK.bind(proto);
  proto.authPK = (user, key, algo, sign) => {
    const cb = typeof algo === 'function' ? algo : sign;
    // The query without a signature ("would this key do?") is right as ssh2 writes it.
    if (!isCertKey(key) || typeof cb !== 'function') {
      original(user, key, algo, sign);
      return;
    }
    const request = Buffer.concat([
      Buffer.from([USERAUTH_REQUEST]),
      sshString(user),
      sshString('ssh-connection'),
      sshString('publickey'),
      Buffer.from([1]),
      sshString(key.type),
      sshString(key.getPublicSSH()),
    ]);
    const signWith = cb as (data: Buffer, done: (signature: Buffer) => void) => void;
    signWith(Buffer.concat([sshString(proto._kex.sessionID), request]), (signature) => {
      const body = Buffer.concat([
        request,
        sshString(Buffer.concat([sshString(key.signatureAlgorithm), sshString(signature)])),
      ]);
      const packet = proto._packetRW.write.alloc(body.length);
      body.copy(packet, proto._packetRW.write.allocStart);
      proto._authsQueue.push('publickey');
      sendPacket(proto, proto._packetRW.write.finalize(packet));
    });
  };
}
