import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP server on a unix socket in a fresh folder, answering by path. */
export async function fakeDocker(
  routes: Record<string, Route>,
): Promise<{ socket: string; url: string; paths: string[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-fake-docker-'));
  const socket = join(dir, 'docker.sock');
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route) {
      route(req, res);
      return;
    }
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ message: `No such container` }));
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return {
    socket,
    url: `unix://${socket}`,
    paths,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const json =
  (body: unknown, status = 200): Route =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };

/** GET /_ping as a Docker engine answers it: `OK`, with its API version in a header. */
export const dockerPing: Route = (_req, res) => {
  res
    .writeHead(200, {
      'Api-Version': '1.41',
      'Content-Type': 'text/plain; charset=utf-8',
      Server: 'Docker/20.10.24 (linux)',
    })
    .end('OK');
};

/** A trimmed real inspect of an RKE container, with the fields that must never be copied. */
export function inspectOf(name: string, args: string[]): unknown {
  return {
    Id: `${name}-0123456789abcdef`,
    Name: `/${name}`,
    Path: '/opt/rke-tools/entrypoint.sh',
    Args: args,
    State: { Status: 'running', Running: true, Pid: 4242 },
    Config: {
      Image: 'rancher/hyperkube:v1.11.5-rancher1',
      Env: ['SECRET=env-secret-value'],
      Labels: { a: 'b' },
    },
    HostConfig: { Binds: ['/etc/kubernetes:/etc/kubernetes'] },
    Env: ['SECRET=env-secret-value'],
  };
}
