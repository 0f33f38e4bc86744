import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import type { DockerConnect } from '../docker.js';
import { fsError } from '../node-fs.js';
import { judgeHostKey, preferredHostKeyAlgorithms, type KnownHosts } from './known-hosts.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Private key text (OpenSSH or PEM), when one is used. */
  privateKey?: Buffer;
  /** Where the key came from, for messages ("ssh_key_path ~/.ssh/id_rsa"). */
  keySource?: string;
  /** ssh-agent socket (ssh_agent_auth), when used. */
  agent?: string;
}

export interface HostKeyPolicy {
  /** undefined: --insecure-ignore-host-key, every key is accepted. */
  knownHosts: KnownHosts | undefined;
}

/** Why a node could not be reached or logged into: the report's "not scanned" reason. */
export class SshError extends Error {
  override readonly name = 'SshError';
}

const describeTarget = (t: SshTarget): string => `${t.user}@${t.host}:${t.port}`;

/**
 * Opens an SSH connection as RKE does (key or agent authentication, no password, no keyboard),
 * with the server's host key checked against known_hosts unless the policy says not to.
 * Rejects with an SshError whose message says what went wrong in the user's terms.
 */
export function connectSsh(
  conn: Client,
  target: SshTarget,
  policy: HostKeyPolicy,
  timeoutMs: number,
): Promise<void> {
  let hostKeyProblem: string | undefined;
  const known = policy.knownHosts;
  const prefer =
    known === undefined ? [] : preferredHostKeyAlgorithms(known, target.host, target.port);
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: timeoutMs,
    keepaliveInterval: Math.max(1000, Math.min(timeoutMs, 15_000)),
    keepaliveCountMax: 3,
    tryKeyboard: false,
    hostVerifier: (key: Buffer): boolean => {
      if (known === undefined) return true;
      const v = judgeHostKey(known, target.host, target.port, key);
      if (!v.ok) hostKeyProblem = v.reason;
      return v.ok;
    },
    ...(prefer.length > 0
      ? { algorithms: { serverHostKey: { prepend: prefer, append: [], remove: [] } } }
      : {}),
    ...(target.privateKey !== undefined ? { privateKey: target.privateKey } : {}),
    ...(target.agent !== undefined ? { agent: target.agent } : {}),
  } as ConnectConfig;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    conn.once('ready', () => {
      settled = true;
      resolve();
    });
    conn.on('error', (e: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      conn.destroy();
      reject(new SshError(explain(e, target, hostKeyProblem, timeoutMs)));
    });
    conn.once('close', () => {
      if (settled) return;
      settled = true;
      reject(
        new SshError(`${describeTarget(target)}: the connection closed during the SSH handshake`),
      );
    });
    try {
      conn.connect(config);
    } catch (e) {
      settled = true;
      // A key ssh2 cannot parse (or an encrypted one) is thrown by connect().
      reject(new SshError(keyProblem(e as Error, target)));
    }
  });
}

function keyProblem(e: Error, t: SshTarget): string {
  const what = t.keySource ?? 'the private key';
  if (/encrypted/i.test(e.message))
    return `${what} is encrypted: rkecis cannot ask for its passphrase; load it into ssh-agent and set ssh_agent_auth: true`;
  return `${what}: ${e.message}`;
}

function explain(
  e: Error & { level?: string; code?: string },
  t: SshTarget,
  hostKeyProblem: string | undefined,
  timeoutMs: number,
): string {
  const where = describeTarget(t);
  if (hostKeyProblem !== undefined) return hostKeyProblem;
  if (e.level === 'client-authentication') {
    const how = [
      ...(t.privateKey !== undefined ? [t.keySource ?? 'the private key'] : []),
      ...(t.agent !== undefined ? ['ssh-agent'] : []),
    ];
    return `${where}: authentication failed (tried ${how.length > 0 ? how.join(' and ') : 'no key: none was configured'})`;
  }
  if (e.level === 'client-timeout' || /Timed out while waiting for handshake/i.test(e.message))
    return `${where}: no SSH handshake within ${timeoutMs / 1000}s (is the node up, and is this its SSH port?)`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused (nothing listens on port ${t.port}; is sshd running?)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where}: host unreachable`;
    case 'ETIMEDOUT':
      return `${where}: connection timed out`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: cannot resolve ${t.host}`;
    case 'ECONNRESET':
      return `${where}: the connection was reset`;
    default:
      return `${where}: ${e.message}`;
  }
}

/** Opens the SFTP subsystem: no shell, no command, only file requests. */
export function openSftp(conn: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    conn.sftp((err, sftp) => {
      if (err)
        reject(
          new SshError(
            `cannot open SFTP (is the sftp subsystem enabled in sshd_config?): ${err.message}`,
          ),
        );
      else resolve(sftp);
    });
  });
}

/**
 * A connection factory for node:http that reaches the node's Docker socket through an OpenSSH
 * stream-local forward (direct-streamlocal@openssh.com), as `ssh -L` to a unix socket and as
 * RKE's own Docker dialer do. One forwarded channel per request.
 */
export function dockerOverSsh(conn: Client, socketPath: string): DockerConnect {
  return (_options, oncreate) => {
    conn.openssh_forwardOutStreamLocal(socketPath, (err, stream) => {
      if (err) {
        oncreate(
          fsError(
            'ESSHFORWARD',
            `the node's SSH server did not open ${socketPath} (no such socket, permission denied for the SSH user, or forwarding is off in sshd_config: RKE and rkecis need AllowTcpForwarding yes): ${err.message}`,
          ),
          undefined as unknown as Duplex,
        );
      } else oncreate(null, stream);
    });
    return undefined;
  };
}
