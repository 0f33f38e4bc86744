import type { Client } from 'ssh2';
import { InputError } from '../cli/errors.js';
import { collectFrom } from '../collect/collect.js';
import { DockerClient } from '../collect/docker.js';
import {
  connectSsh,
  dockerOverSsh,
  openSftp,
  SshError,
  type HostKeyPolicy,
} from '../collect/ssh/connect.js';
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
): Promise<NodeOutcome> {
  const { Client: SshClient } = await import('ssh2');
  const conn: Client = new SshClient();
  const { ssh } = target;
  const where = `${ssh.user}@${ssh.host}:${ssh.port}`;
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    await connectSsh(conn, ssh, opts.hostKeys, opts.timeoutMs);
    const sftp = await openSftp(conn);
    const docker = new DockerClient(
      {
        url: `ssh://${where}${target.dockerSocket.startsWith('/') ? '' : '/'}${target.dockerSocket}`,
        connect: dockerOverSsh(conn, target.dockerSocket),
      },
      opts.timeoutMs,
    );
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
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const t = targets[next++] as NodeTarget;
      onOutcome(await scanNodeOverSsh(t, opts));
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(opts.concurrency, targets.length)) }, worker),
  );
}
