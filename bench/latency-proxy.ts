import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { FleetNode } from '../test/integration/ssh-fleet.js';

/**
 * Far nodes on one machine: a TCP proxy in front of each simulated node that holds every chunk
 * `oneWayMs` in each direction, so that each time rkecis waits for a node's answer costs a round
 * trip of twice that, as on a real network (this machine's kernel has no netem to do it). The
 * TCP handshake itself is not delayed: a real connection costs one round trip more than here.
 * Order is kept (each direction's chunks leave in the order they came, each its delay later).
 */
export async function latencyProxies(
  nodes: readonly FleetNode[],
  oneWayMs: number,
  knownHosts: string,
  knownHostsOut: string,
): Promise<{ nodes: FleetNode[]; knownHosts: string; close(): Promise<void> }> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => {
      setTimeout(() => to.write(chunk), oneWayMs);
    });
    from.on('end', () => {
      setTimeout(() => to.end(), oneWayMs);
    });
    from.on('error', () => to.destroy());
    from.on('close', () => {
      setTimeout(() => to.destroy(), oneWayMs + 1);
    });
  };
  const proxied: FleetNode[] = [];
  for (const node of nodes) {
    const server = createServer((client) => {
      const upstream = connect(node.port, '127.0.0.1');
      for (const s of [client, upstream]) {
        s.setNoDelay(true);
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      }
      relay(client, upstream);
      relay(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy port');
    proxied.push({ ...node, port: address.port });
  }
  // The nodes' host keys, under the proxies' ports.
  const keyOf = new Map<number, string>();
  for (const line of readFileSync(knownHosts, 'utf8').split('\n')) {
    const m = /^\[127\.0\.0\.1\]:(\d+) (.+)$/.exec(line);
    if (m !== null) keyOf.set(Number(m[1]), m[2] as string);
  }
  writeFileSync(
    knownHostsOut,
    nodes
      .map((n, i) => `[127.0.0.1]:${proxied[i]?.port ?? 0} ${keyOf.get(n.port) ?? ''}\n`)
      .join(''),
  );
  return {
    nodes: proxied,
    knownHosts: knownHostsOut,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) =>
              s.close(() => {
                resolve();
              }),
            ),
        ),
      );
    },
  };
}
