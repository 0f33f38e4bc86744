import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Evidence, Role } from '../../src/evidence/schema.js';
import { plantRoot } from './plant-node.js';
import { keygen, startSshNode, type SshNode } from './ssh-node.js';

/**
 * A simulated fleet of RKE nodes on one machine, for `rkecis cluster` at scale (the cluster
 * benchmark, bench/cluster-scan.ts, and the fault test, cluster-faults.test.ts): every node is a
 * port of its own on 127.0.0.1, answered by a real OpenSSH server, so each node is its own SSH
 * connection, SFTP session and Docker socket forward, as rkecis reaches a real cluster. The nodes
 * share one planted root (a whole hardened node's files at the real paths, start-ssh-node.sh)
 * and one Docker engine (RKE's container names are fixed, so they see the same containers).
 *
 * One sshd listens on at most 16 ports (OpenSSH's MAX_LISTEN_SOCKS), so N nodes take ⌈N/16⌉
 * sshd processes. Faulty nodes: `refuse` is a port nothing listens on; `hang` completes the SSH
 * handshake and login, then its session never answers (ForceCommand sleeps: the SFTP server
 * never says hello); `slow-docker` is a healthy node whose docker_socket is a proxy that holds
 * each Docker API connection for `slowDockerMs` before passing it on to the engine.
 */

export type Fault = 'refuse' | 'hang' | 'slow-docker';

export interface FleetNode {
  name: string;
  port: number;
  fault?: Fault;
  /** cluster.yml's docker_socket, when not RKE's default (the slow proxy). */
  dockerSocket?: string;
}

export interface Fleet {
  /** Nodes served normally, in order: node-0001, node-0002... */
  healthy: FleetNode[];
  /** The faulty nodes asked for, one kind after another. */
  faulty: FleetNode[];
  /** Ports of nodes that give a login shell (the guide's commands over ssh), same files and engine. */
  shellPorts: number[];
  /** The auditor's private key (ed25519, no passphrase), and a known_hosts for every port. */
  userKey: string;
  knownHosts: string;
  /** The planted root every node shows. */
  root: string;
  /** The sshd processes: the simulated nodes' CPU is theirs and their finished connections'. */
  sshdPids(): number[];
  /** Writes a cluster.yml naming these nodes (all roles: each shows every RKE container). */
  clusterYml(path: string, nodes: readonly FleetNode[]): string;
  stop(): Promise<void>;
}

/** sshd's MAX_LISTEN_SOCKS. */
const PORTS_PER_SSHD = 16;
export const ALL_ROLES: Role[] = ['controlplane', 'etcd', 'worker'];

/** The lowest port of the kernel's ephemeral range: ports below it are not handed out by connect(). */
function ephemeralFloor(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => {
      resolve(false);
    });
    srv.listen(port, '127.0.0.1', () => {
      srv.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * `count` ports nothing listens on, below the ephemeral range (outgoing connections, such as
 * rkecis's own to the nodes, never take them), from a random start so that two fleets rarely meet.
 */
export async function freePorts(count: number): Promise<number[]> {
  const top = ephemeralFloor() - 1;
  const bottom = 10_000;
  if (top - bottom < count * 2) throw new Error(`not enough ports below ${top + 1} for ${count}`);
  let port = bottom + Math.floor(Math.random() * (top - bottom - count * 2));
  const out: number[] = [];
  while (out.length < count) {
    if (port > top) throw new Error(`could not find ${count} free ports`);
    if (await bindable(port)) out.push(port);
    port++;
  }
  return out;
}

/** A unix socket that holds each connection for `delayMs`, then joins it to `target`. */
export function slowSocketProxy(
  path: string,
  target: string,
  delayMs: number,
): Promise<{ close: () => Promise<void> }> {
  const server: Server = createServer((client) => {
    client.pause();
    const timer = setTimeout(() => {
      const up = createConnection(target);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
      client.pipe(up).pipe(client);
      client.resume();
    }, delayMs);
    client.on('close', () => {
      clearTimeout(timer);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

const chunk = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Runs `fn` over `xs`, `limit` at a time. */
async function pool<T, R>(xs: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, xs.length) }, async () => {
      while (next < xs.length) {
        const i = next++;
        out[i] = await fn(xs[i] as T);
      }
    }),
  );
  return out;
}

const nodeName = (i: number): string => `node-${String(i + 1).padStart(4, '0')}`;

/**
 * Starts the fleet. `example` is the node every node shows (its files are planted here; its
 * containers must already be in the engine, under the caller's lock of RKE's names). The root's
 * root user is given /bin/bash as login shell: sessions that run a command (the guide's, the
 * hanging nodes' sleep) go through it, as on a real node; SFTP does not.
 */
export async function startFleet(opts: {
  dir: string;
  example: Evidence;
  /** The engine's socket path (unix), seen by every node at /var/run/docker.sock. */
  engineSocket: string;
  nodes: number;
  shellNodes?: number;
  faults?: { refuse?: number; hang?: number; slowDocker?: number; slowDockerMs?: number };
  /** sshd processes started at once. */
  parallel?: number;
  log?: (s: string) => void;
}): Promise<Fleet> {
  const f = opts.faults ?? {};
  const [refuse, hang, slow] = [f.refuse ?? 0, f.hang ?? 0, f.slowDocker ?? 0];
  const shellCount = opts.shellNodes ?? 0;
  const root = plantRoot(opts.example);
  const passwd = join(root, 'etc/passwd');
  writeFileSync(
    passwd,
    readFileSync(passwd, 'utf8').replace(/^root:.*$/m, 'root:x:0:0:root:/root:/bin/bash'),
  );
  const userKey = join(opts.dir, 'id_ed25519');
  const userPub = await keygen(userKey, 'auditor');
  const ports = await freePorts(opts.nodes + slow + refuse + hang + shellCount);
  const take = (n: number): number[] => ports.splice(0, n);
  const healthyPorts = take(opts.nodes + slow);
  const refusePorts = take(refuse);
  const hangPorts = take(hang);
  const shellPorts = take(shellCount);

  const groups: { ports: number[]; forceCommand?: string | null; what: string }[] = [
    ...chunk(healthyPorts, PORTS_PER_SSHD).map((p) => ({ ports: p, what: 'sftp' })),
    ...chunk(hangPorts, PORTS_PER_SSHD).map((p) => ({
      ports: p,
      forceCommand: '/bin/sleep 2147483647',
      what: 'hang',
    })),
    ...chunk(shellPorts, PORTS_PER_SSHD).map((p) => ({
      ports: p,
      forceCommand: null,
      what: 'shell',
    })),
  ];
  opts.log?.(
    `starting ${groups.length} sshd processes for ${healthyPorts.length + hangPorts.length + shellPorts.length} nodes`,
  );
  const servers: SshNode[] = [];
  const proxies: { close: () => Promise<void> }[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(proxies.map((p) => p.close()));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = await pool(groups, opts.parallel ?? 4, async (g) => {
      const i = groups.indexOf(g);
      const node = await startSshNode({
        dir: join(opts.dir, `sshd-${i}`),
        name: `${g.what}-${i}`,
        root,
        dockerSocket: opts.engineSocket,
        authorizedKeys: userPub,
        ports: g.ports,
        ...(g.forceCommand !== undefined ? { forceCommand: g.forceCommand } : {}),
        // No random early drops of unauthenticated connections (default 10:30:100): a fleet
        // scan opens tens at once on each sshd; INFO logs a line or two per connection.
        extraConfig: ['MaxStartups 1000', 'LogLevel INFO'],
      });
      servers.push(node);
      return node;
    });
    const known = started.flatMap((s) => s.ports.map((p) => `[127.0.0.1]:${p} ${s.hostKey}`));
    const knownHosts = join(opts.dir, 'known_hosts');
    writeFileSync(knownHosts, `${known.join('\n')}\n`);

    const healthy = healthyPorts
      .slice(0, opts.nodes)
      .map((port, i): FleetNode => ({ name: nodeName(i), port }));
    const faulty: FleetNode[] = [];
    let n = opts.nodes;
    for (const port of refusePorts) faulty.push({ name: nodeName(n++), port, fault: 'refuse' });
    for (const port of hangPorts) faulty.push({ name: nodeName(n++), port, fault: 'hang' });
    if (slow > 0) {
      const sock = join(opts.dir, 'slow-docker.sock');
      proxies.push(await slowSocketProxy(sock, opts.engineSocket, f.slowDockerMs ?? 5000));
      for (const port of healthyPorts.slice(opts.nodes))
        faulty.push({ name: nodeName(n++), port, fault: 'slow-docker', dockerSocket: sock });
    }
    return {
      healthy,
      faulty,
      shellPorts,
      userKey,
      knownHosts,
      root,
      sshdPids: () => servers.map((s) => s.pid),
      clusterYml: (path, nodes) => {
        writeFileSync(
          path,
          stringify({
            cluster_name: 'rkecis-fleet',
            kubernetes_version: 'v1.11.3-rancher1-1',
            ssh_key_path: userKey,
            nodes: nodes.map((node) => ({
              address: '127.0.0.1',
              port: String(node.port),
              hostname_override: node.name,
              user: 'root',
              role: ALL_ROLES,
              ...(node.dockerSocket !== undefined ? { docker_socket: node.dockerSocket } : {}),
            })),
          }),
        );
        return path;
      },
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
