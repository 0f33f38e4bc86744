import { connect } from 'node:net';
import type { BaseAgent, ParsedKey, SignCallback, SigningRequestOptions } from 'ssh2';
import { agentCertKeys, isCertKey } from './cert-auth.js';
import { CERT_SUFFIX, parseCertificateBlob } from './certificate.js';
import { blobType } from './known-hosts.js';

/**
 * ssh-agent, as RKE's Go client uses it: every identity the agent holds, OpenSSH certificates
 * included (ssh2's own agent client drops them, since it cannot parse a certificate blob). The
 * agent protocol (draft-miller-ssh-agent) is spoken here: list the identities, sign with one.
 */

const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;
const FAILURE = 5;
const RSA_SHA2_256 = 2;
const RSA_SHA2_512 = 4;
const TIMEOUT_MS = 10_000;
const MAX_ANSWER = 1024 * 1024;

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** One request, one answer, on a connection of its own (as ssh2's agent client does). */
function ask(socketPath: string, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: Error | undefined, answer?: Buffer): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err !== undefined) reject(err);
      else resolve(answer as Buffer);
    };
    const timer = setTimeout(() => {
      done(new Error(`ssh-agent ${socketPath} did not answer within ${TIMEOUT_MS / 1000}s`));
    }, TIMEOUT_MS);
    sock.on('error', (e) => {
      done(new Error(`ssh-agent ${socketPath}: ${e.message}`));
    });
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      const all = Buffer.concat(chunks);
      if (all.length < 4) return;
      const n = all.readUInt32BE(0);
      if (n > MAX_ANSWER || size > MAX_ANSWER + 4) {
        done(new Error(`ssh-agent ${socketPath}: an answer of ${n} bytes`));
      } else if (all.length >= 4 + n) done(undefined, all.subarray(4, 4 + n));
    });
    sock.on('close', () => {
      done(new Error(`ssh-agent ${socketPath} closed the connection`));
    });
    sock.write(sshString(body));
  });
}

/** Reads SSH strings off an agent answer. */
class Fields {
  private at = 1;
  constructor(private readonly buf: Buffer) {}
  u32(): number {
    if (this.at + 4 > this.buf.length) throw new Error('a malformed ssh-agent answer');
    const n = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return n;
  }
  bytes(): Buffer {
    const n = this.u32();
    if (this.at + n > this.buf.length) throw new Error('a malformed ssh-agent answer');
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

/** An ssh2 agent (a BaseAgent, so ssh2 takes it) for the agent at `socketPath`. */
export async function certAwareAgent(socketPath: string): Promise<BaseAgent> {
  const ssh2 = await import('ssh2');
  const { BaseAgent: Base, utils } = (ssh2 as unknown as { default: typeof ssh2 }).default;

  class Agent extends Base {
    getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
      ask(socketPath, Buffer.from([REQUEST_IDENTITIES])).then(
        (answer) => {
          if (answer[0] !== IDENTITIES_ANSWER) {
            cb(new Error(`ssh-agent ${socketPath} refused to list its keys`));
            return;
          }
          const f = new Fields(answer);
          const keys: ParsedKey[] = [];
          for (let n = f.u32(); n > 0; n--) {
            const blob = f.bytes();
            f.bytes(); // comment
            if (blobType(blob).endsWith(CERT_SUFFIX)) {
              try {
                const cert = parseCertificateBlob(blob);
                const key = utils.parseKey(cert.publicKey);
                if (!(key instanceof Error)) keys.push(...agentCertKeys(key, cert));
              } catch {
                // A certificate this cannot read is left out, as ssh2 leaves out what it cannot.
              }
            } else {
              const key = utils.parseKey(blob);
              if (!(key instanceof Error)) keys.push(key);
            }
          }
          cb(undefined, keys);
        },
        (e: unknown) => {
          cb(e as Error);
        },
      );
    }

    sign(
      pubKey: ParsedKey | Buffer | string,
      data: Buffer,
      options: SigningRequestOptions | SignCallback,
      callback?: SignCallback,
    ): void {
      const cb = (typeof options === 'function' ? options : callback) as SignCallback;
      const opts = typeof options === 'function' ? {} : options;
      let blob: Buffer;
      let flags = 0;
      if (isCertKey(pubKey)) {
        blob = pubKey.getPublicSSH();
        flags = pubKey.agentFlags;
      } else {
        const key = utils.parseKey(pubKey);
        if (key instanceof Error) {
          cb(key);
          return;
        }
        blob = key.getPublicSSH();
        if (key.type === 'ssh-rsa')
          flags = opts.hash === 'sha512' ? RSA_SHA2_512 : opts.hash === 'sha256' ? RSA_SHA2_256 : 0;
      }
      const flagBytes = Buffer.alloc(4);
      flagBytes.writeUInt32BE(flags);
      const request = Buffer.concat([
        Buffer.from([SIGN_REQUEST]),
        sshString(blob),
        sshString(data),
        flagBytes,
      ]);
      ask(socketPath, request).then(
        (answer) => {
          if (answer[0] === FAILURE || answer[0] !== SIGN_RESPONSE) {
            cb(new Error(`ssh-agent ${socketPath} refused to sign`));
            return;
          }
          // The signature blob is the algorithm's name and the signature; ssh2 wants the latter.
          const sig = new Fields(Buffer.concat([Buffer.alloc(1), new Fields(answer).bytes()]));
          sig.bytes();
          cb(null, sig.bytes());
        },
        (e: unknown) => {
          cb(e as Error);
        },
      );
    }
  }
  return new Agent();
}
