import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnyAuthMethod, BaseAgent, Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import { fsError } from '../node-fs.js';
import { sendCertSignatures } from './cert-auth.js';
import { connectCoalesced } from './coalesced-socket.js';
import { ignoreAnnouncedHostKeys } from './announced-host-keys.js';
import { signFirst } from './sign-first.js';
import type { Identity, IdentitySpec } from './identity.js';
import {
  judgeHostKey,
  lookUpHost,
  preferredHostKeyAlgorithms,
  type KnownHosts,
} from './known-hosts.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** The private key (and its certificate) to offer, when one is used. */
  identity?: IdentitySpec;
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

export const describeTarget = (t: SshTarget): string => `${t.user}@${t.host}:${t.port}`;

/** How to reach the server: a TCP connection of its own, or a stream (a channel through a bastion). */
export interface ConnectVia {
  /** The key to offer, loaded (decrypted, its certificate checked) from target.identity. */
  identity?: Identity;
  /** A stream to the server's SSH port instead of a TCP connection. */
  sock?: Duplex;
  /** The client for target.agent (certAwareAgent: it offers certificates too). */
  agent?: BaseAgent;
}

/**
 * Opens an SSH connection as RKE does (key, certificate or agent authentication, no password,
 * no keyboard), with the server's host key checked against known_hosts unless the policy says
 * not to. Rejects with an SshError whose message says what went wrong in the user's terms.
 */
export function connectSsh(
  conn: Client,
  target: SshTarget,
  policy: HostKeyPolicy,
  timeoutMs: number,
  via: ConnectVia = {},
): Promise<void> {
  let hostKeyProblem: string | undefined;
  const known = policy.knownHosts;
  // One lookup serves both the algorithms to offer and the verdict on the key presented.
  const listed = known === undefined ? undefined : lookUpHost(known, target.host, target.port);
  const prefer = listed === undefined ? [] : preferredHostKeyAlgorithms(listed);
  // A TCP connection of our own (not ssh2's), so that each burst of packets is one write. It is
  // connecting before ssh2 sees it: ssh2 then waits for it, with its handshake timeout, and
  // reports its errors (refused, unreachable, unresolved) as it does for its own sockets.
  const sock = via.sock ?? connectCoalesced(target.host, target.port);
  const config: ConnectConfig = {
    sock,
    username: target.user,
    readyTimeout: timeoutMs,
    keepaliveInterval: Math.max(1000, Math.min(timeoutMs, 15_000)),
    keepaliveCountMax: 3,
    tryKeyboard: false,
    hostVerifier: (key: Buffer): boolean => {
      if (known === undefined || listed === undefined) return true;
      const v = judgeHostKey(known, listed, key);
      if (!v.ok) hostKeyProblem = v.reason;
      return v.ok;
    },
    ...(prefer.length > 0
      ? { algorithms: { serverHostKey: { prepend: prefer, append: [], remove: [] } } }
      : {}),
    authHandler: [
      ...(via.identity?.keys ?? []).map((key): AnyAuthMethod => ({
        type: 'publickey',
        username: target.user,
        key,
      })),
      ...(target.agent !== undefined
        ? [
            {
              type: 'agent',
              username: target.user,
              agent: via.agent ?? target.agent,
            } as AnyAuthMethod,
          ]
        : []),
    ],
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
      reject(new SshError(explain(e, target, via, hostKeyProblem, timeoutMs)));
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
      sendCertSignatures(conn);
      signFirst(conn);
      ignoreAnnouncedHostKeys(conn);
    } catch (e) {
      settled = true;
      sock.destroy();
      reject(new SshError(`${describeTarget(target)}: ${(e as Error).message}`));
    }
  });
}

function explain(
  e: Error & { level?: string; code?: string },
  t: SshTarget,
  via: ConnectVia,
  hostKeyProblem: string | undefined,
  timeoutMs: number,
): string {
  const where = describeTarget(t);
  if (hostKeyProblem !== undefined) return hostKeyProblem;
  if (e.level === 'client-authentication') {
    const id = via.identity;
    const how = [
      ...(id !== undefined ? [id.tried] : []),
      ...(t.agent !== undefined ? ['ssh-agent'] : []),
    ];
    const certOffered = id !== undefined && id.keys.length > 1;
    return (
      `${where}: authentication failed for user ${t.user} (tried ${how.length > 0 ? how.join(' and ') : 'no key: none was configured'})` +
      (id?.certNote !== undefined ? `; ${id.certNote}` : '') +
      (certOffered
        ? "; the node refused the certificate too: is its CA in the node's TrustedUserCAKeys (a certificate signed by another CA is refused)?"
        : '')
    );
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

/** Forwarded channels to the node's Docker socket open at once; each serves request after request. */
export const DOCKER_CHANNELS = 2;

/**
 * The node's Docker socket for node:http, through OpenSSH stream-local forwards
 * (direct-streamlocal@openssh.com), as `ssh -L` to a unix socket and RKE's own Docker dialer
 * reach it. An HTTP agent that keeps its channels open (HTTP keep-alive) and opens at most
 * DOCKER_CHANNELS of them: a scan's ping and inspects take two channels, not one each (every
 * channel costs its open, confirmation, EOF and close both ways, and a connect to the socket on
 * the node). The channels close with the connection.
 */
export function dockerOverSsh(conn: Client, socketPath: string): Agent {
  return new DockerChannels(conn, socketPath);
}

class DockerChannels extends Agent {
  constructor(
    private readonly conn: Client,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: true, maxSockets: DOCKER_CHANNELS, maxFreeSockets: DOCKER_CHANNELS });
  }

  override createConnection(
    _options: unknown,
    oncreate: (err: Error | null, socket: Duplex) => void,
  ): undefined {
    const { socketPath } = this;
    const refused = (err: Error): void => {
      oncreate(
        fsError(
          'ESSHFORWARD',
          `the node's SSH server did not open ${socketPath} (no such socket, permission denied for the SSH user, or forwarding is off in sshd_config: RKE and rkecis need AllowTcpForwarding yes): ${err.message}`,
        ),
        undefined as unknown as Duplex,
      );
    };
    try {
      this.conn.openssh_forwardOutStreamLocal(socketPath, (err, stream) => {
        if (err) refused(err);
        else oncreate(null, stream);
      });
    } catch (e) {
      // ssh2 throws "Not connected" once the connection has ended (the node's time ran out
      // while a request waited for a channel): that request fails, the process goes on.
      oncreate(e as Error, undefined as unknown as Duplex);
    }
    return undefined;
  }

  // A channel is no TCP socket: it has no keep-alive probes, no timeout and no ref/unref (what
  // node:http's agent calls on a socket it keeps); it stays open until the connection ends.
  override keepSocketAlive(): boolean {
    return true;
  }

  override reuseSocket(_socket: unknown, req: { reusedSocket: boolean }): void {
    req.reusedSocket = true;
  }
}
