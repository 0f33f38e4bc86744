import type { BaseAgent, Client } from 'ssh2';
import { InputError } from '../base/errors.js';
import { collectFrom } from '../collect/collect.js';
import { DockerClient } from '../collect/docker.js';
import { certAwareAgent } from '../collect/ssh/agent.js';
import { forwardThroughBastion } from '../collect/ssh/bastion.js';
import {
  connectSsh,
  describeTarget,
  dockerOverSsh,
  openSftp,
  SshError,
  type HostKeyPolicy,
  type SshTarget,
} from '../collect/ssh/connect.js';
import { IdentityError, loadIdentity, type Identity } from '../collect/ssh/identity.js';
import { sftpFs } from '../collect/ssh/sftp-fs.js';
import type { Evidence } from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import type { NodeTarget } from './targets.js';

export interface SshScanOptions {
  profile: Profile;
  hostKeys: HostKeyPolicy;
  /** Nodes scanned at once. */
  concurrency: number;
  /** Each SSH handshake, Docker request. */
  timeoutMs: number;
  /** A whole node, connection to last file. */
  nodeTimeoutMs: number;
  /** Why Kubernetes is not queried per node (it is listed once for the cluster). */
  kubernetesNote: string;
  /** cluster.yml's bastion_host: every node is reached through one connection to it. */
  bastion?: SshTarget;
  /** Decrypts encrypted keys (RKECIS_SSH_PASSPHRASE or --ssh-passphrase-file). */
  passphrase?: Buffer;
}

/**
 * What the nodes of one run share: each key decrypted once (bcrypt is slow on purpose), and one
 * SSH connection to the bastion, opened for the first node and closed after the last.
 */
export interface Reach {
  identity(target: SshTarget): Promise<Identity | undefined>;
  /** The ssh-agent client of target.agent, one per socket. */
  agent(target: SshTarget): Promise<BaseAgent | undefined>;
  /** The open bastion connection, or undefined without a bastion. Rejects with an SshError. */
  bastion(): Promise<Client | undefined>;
  close(): void;
}

export function createReach(opts: SshScanOptions): Reach {
  const identities = new Map<string, Promise<Identity>>();
  const identity = (t: SshTarget): Promise<Identity | undefined> => {
    const spec = t.identity;
    if (spec === undefined) return Promise.resolve(undefined);
    const key = JSON.stringify([spec.keySource, spec.certSource, t.user]);
    let p = identities.get(key);
    if (p === undefined) {
      p = loadIdentity(spec, t.user, opts.passphrase);
      p.catch(() => undefined);
      identities.set(key, p);
    }
    return p;
  };
  const agents = new Map<string, Promise<BaseAgent>>();
  const agent = (t: SshTarget): Promise<BaseAgent | undefined> => {
    if (t.agent === undefined) return Promise.resolve(undefined);
    let a = agents.get(t.agent);
    if (a === undefined) {
      a = certAwareAgent(t.agent);
      agents.set(t.agent, a);
    }
    return a;
  };
  let bastionConn: Client | undefined;
  let bastion: Promise<Client | undefined> | undefined;
  const openBastion = async (b: SshTarget): Promise<Client> => {
    const { Client: SshClient } = await import('ssh2');
    const conn: Client = new SshClient();
    bastionConn = conn;
    try {
      const id = await identity(b).catch((e: unknown) => {
        if (e instanceof IdentityError && b.agent !== undefined) return undefined;
        throw e;
      });
      const a = await agent(b);
      await connectSsh(conn, b, opts.hostKeys, opts.timeoutMs, {
        ...(id !== undefined ? { identity: id } : {}),
        ...(a !== undefined ? { agent: a } : {}),
      });
    } catch (e) {
      conn.destroy();
      const why = e instanceof SshError || e instanceof IdentityError ? e.message : String(e);
      throw new SshError(`cannot use the bastion host ${describeTarget(b)}: ${why}`);
    }
    return conn;
  };
  return {
    identity,
    agent,
    bastion: () => {
      const b = opts.bastion;
      if (b === undefined) return Promise.resolve(undefined);
      bastion ??= openBastion(b);
      return bastion;
    },
    close: () => {
      const c = bastionConn;
      if (c === undefined) return;
      c.end();
      setTimeout(() => c.destroy(), 2000).unref();
    },
  };
}

export type NodeOutcome =
  { target: NodeTarget; evidence: Evidence } | { target: NodeTarget; reason: string };

/**
 * Scans one node the way RKE reaches it: an SSH connection, SFTP for the files (lstat,
 * readlink, readdir, read), the Docker socket through a stream-local forward. No command is
 * run on the node. Never throws: a node that cannot be scanned comes back with the reason.
 */
export async function scanNodeOverSsh(
  target: NodeTarget,
  opts: SshScanOptions,
  reach: Reach,
): Promise<NodeOutcome> {
  const { Client: SshClient } = await import('ssh2');
  const conn: Client = new SshClient();
  const { ssh } = target;
  const where = describeTarget(ssh);
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    const identity = await reach.identity(ssh).catch((e: unknown) => {
      // With ssh_agent_auth RKE reads no key file: one that cannot be used leaves the agent.
      if (e instanceof IdentityError && ssh.agent !== undefined) return undefined;
      throw e instanceof IdentityError ? new SshError(`${where}: ${e.message}`) : e;
    });
    const bastion = await reach.bastion();
    const sock =
      bastion !== undefined && opts.bastion !== undefined
        ? await forwardThroughBastion(
            bastion,
            describeTarget(opts.bastion),
            ssh.host,
            ssh.port,
            opts.timeoutMs,
          )
        : undefined;
    const agent = await reach.agent(ssh);
    await connectSsh(conn, ssh, opts.hostKeys, opts.timeoutMs, {
      ...(identity !== undefined ? { identity } : {}),
      ...(sock !== undefined ? { sock } : {}),
      ...(agent !== undefined ? { agent } : {}),
    });
    const docker = new DockerClient(
      {
        url: `ssh://${where}${target.dockerSocket.startsWith('/') ? '' : '/'}${target.dockerSocket}`,
        agent: dockerOverSsh(conn, target.dockerSocket),
        connection:
          opts.bastion !== undefined
            ? `SSH through the bastion host ${describeTarget(opts.bastion)}, then an OpenSSH stream-local forward to the socket`
            : 'SSH (an OpenSSH stream-local forward to the socket)',
      },
      opts.timeoutMs,
    );
    // The Docker channel opens and the ping is answered while SFTP starts (four round trips).
    const pinged = docker.ping();
    pinged.catch(() => undefined);
    const sftp = await openSftp(conn);
    return collectFrom({
      profile: opts.profile,
      fs: sftpFs(sftp, `sftp://${where}/`),
      docker,
      kubernetes: { note: opts.kubernetesNote },
      timeoutMs: opts.timeoutMs,
      declaredRoles: target.roles,
      nodeName: target.name,
    });
  })();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new SshError(
          `${where}: the scan did not finish within ${opts.nodeTimeoutMs / 1000}s (--node-timeout)`,
        ),
      );
    }, opts.nodeTimeoutMs);
  });
  try {
    return { target, evidence: await Promise.race([work, deadline]) };
  } catch (e) {
    const reason =
      e instanceof SshError || e instanceof InputError
        ? e.message
        : `${where}: ${(e as Error).message}`;
    return { target, reason };
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
    conn.end();
    // A node that stopped answering would keep the socket (and the process) alive.
    setTimeout(() => conn.destroy(), 2000).unref();
  }
}

/**
 * Scans every node, at most `concurrency` at once, and hands each outcome over as soon as it is
 * known (in completion order), so reports can be merged while other nodes are still scanned.
 */
export async function scanNodes(
  targets: readonly NodeTarget[],
  opts: SshScanOptions,
  onOutcome: (outcome: NodeOutcome) => void,
): Promise<void> {
  let next = 0;
  const reach = createReach(opts);
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const t = targets[next++] as NodeTarget;
      onOutcome(await scanNodeOverSsh(t, opts, reach));
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(opts.concurrency, targets.length)) }, worker),
    );
  } finally {
    reach.close();
  }
}
