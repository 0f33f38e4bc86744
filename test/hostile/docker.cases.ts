import type http from 'node:http';
import type net from 'node:net';
import { json, type Route } from '../fakes/docker.js';
import { bad, errors, report, type Expected, type HostileCase } from './harness.js';

/**
 * The Docker Engine API misbehaving. The endpoint is proven to be Docker first (GET /_ping):
 * anything wrong there is a clear message and exit 2. Once it is, a container whose inspect
 * fails is `error` on its controls, and the scan goes on.
 */
export interface DockerCase extends HostileCase {
  /** How the endpoint answers: HTTP routes over the hardened node's, or a raw socket handler. */
  engine:
    | { routes: Record<string, Route> }
    | { raw: (socket: net.Socket) => void }
    | { path: (dir: string) => string | Promise<string> }
    | { url: string };
  /** Extra scan options (a short --timeout for the silent cases). */
  options?: string[];
  /** Scan as nobody (for a socket only root may use). */
  asNobody?: boolean;
}

const INSPECT = '/containers/kube-apiserver/json';
const SHORT = ['--timeout', '0.5'];

/** Headers, half a body, then the connection drops. */
const resetMidBody: Route = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
  res.write('{"Version": "20.10.24", "ApiVer');
  setTimeout(() => res.socket?.destroy(), 20);
};
/** Chunked, without the last chunk. */
const truncatedChunks: Route = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('{"Id": "x", "Args": [');
  setTimeout(() => res.socket?.destroy(), 20);
};
const silent: Route = () => undefined;
const drip: Route = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const t = setInterval(() => {
    if (res.destroyed) clearInterval(t);
    else res.write(' ');
  }, 50);
  res.on('close', () => {
    clearInterval(t);
  });
};
const status =
  (code: number, body = '', headers: http.OutgoingHttpHeaders = {}): Route =>
  (_req, res) => {
    res.writeHead(code, headers).end(body);
  };
const huge =
  (bytes: number): Route =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end('{}');
    };
    pump();
  };
const inspectLike = (body: unknown): Route => json(body);

const notDocker = (why: RegExp): Expected =>
  bad(new RegExp(`^rkecis: Docker host \\S+: .*(${why.source})`));
const NOT_DOCKER = /not a Docker engine/;

/** Controls that need kube-apiserver's Args: they must be `error` when its inspect fails. */
const APISERVER = errors('1.1.1', '1.1.2', '1.1.10', '1.1.19', '1.1.20', '1.1.30', '1.1.38');

export const DOCKER_CASES: DockerCase[] = [
  // --- the endpoint is not (working) Docker: exit 2 before anything is read ---
  {
    name: 'GET /_ping answers HTTP 500',
    engine: { routes: { '/_ping': status(500, '{"message":"boom"}') } },
    expect: notDocker(/not a Docker engine \(GET \/_ping answered HTTP 500\)/),
  },
  {
    name: 'GET /_ping answers invalid JSON',
    engine: {
      routes: {
        '/_ping': status(200, '{"Version": "20.10', { 'Content-Type': 'application/json' }),
      },
    },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers JSON without a version',
    engine: { routes: { '/_ping': json({ hello: 'world' }) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers a JSON array',
    engine: { routes: { '/_ping': json([{ Version: '20.10.24', ApiVersion: '1.41' }]) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers null',
    engine: { routes: { '/_ping': json(null) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers an empty body',
    engine: { routes: { '/_ping': status(200) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers HTML (some other web server)',
    engine: {
      routes: {
        '/_ping': status(200, '<html><body>It works!</body></html>', {
          'Content-Type': 'text/html',
        }),
      },
    },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers OK without an Api-Version header',
    engine: { routes: { '/_ping': status(200, 'OK', { 'Content-Type': 'text/plain' }) } },
    expect: notDocker(/did not answer "OK" with an Api-Version or Server: Docker\/ header/),
  },
  {
    name: 'GET /_ping answers OK with an Api-Version that is not a version',
    engine: { routes: { '/_ping': status(200, 'OK', { 'Api-Version': 'latest; rm -rf /' }) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers OK from a server that is not Docker (nginx)',
    engine: { routes: { '/_ping': status(200, 'OK', { Server: 'nginx/1.22.1' }) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers an Api-Version header and a body that is not OK',
    engine: { routes: { '/_ping': status(200, '{"status":"up"}', { 'Api-Version': '1.41' }) } },
    expect: notDocker(NOT_DOCKER),
  },
  {
    name: 'GET /_ping answers 404 (an HTTP server that is not Docker)',
    engine: { routes: { '/_ping': status(404, 'Not Found') } },
    expect: notDocker(/HTTP 404/),
  },
  {
    name: 'GET /_ping redirects',
    engine: { routes: { '/_ping': status(301, '', { Location: 'http://evil.example/' }) } },
    expect: notDocker(/HTTP 301/),
  },
  {
    name: 'GET /_ping answers 401 (an auth proxy)',
    engine: { routes: { '/_ping': status(401, '{"message":"unauthorized"}') } },
    expect: notDocker(/HTTP 401/),
  },
  {
    name: 'the connection is reset in the middle of /_ping',
    engine: { routes: { '/_ping': resetMidBody } },
    expect: notDocker(/ECONNRESET|closed before the response was complete/),
  },
  {
    name: 'no answer to /_ping (timeout)',
    engine: { routes: { '/_ping': silent } },
    options: SHORT,
    expect: notDocker(/timed out/),
  },
  {
    name: 'a /_ping that drips one byte at a time past the deadline',
    engine: { routes: { '/_ping': drip } },
    options: SHORT,
    expect: notDocker(/timed out/),
  },
  {
    name: 'a /_ping answer of 20 MB',
    engine: { routes: { '/_ping': huge(20 << 20) } },
    expect: notDocker(/larger than/),
  },
  {
    name: 'a socket that closes at once',
    engine: { raw: (s) => s.destroy() },
    expect: notDocker(/ECONNRESET|socket hang up|closed/),
  },
  {
    name: 'a socket that answers garbage (not HTTP)',
    engine: { raw: (s) => s.end('\u0000\u0001garbage\r\n\r\n') },
    expect: notDocker(/not a Docker engine \(the answer is not HTTP/),
  },
  {
    name: 'a socket that speaks SSH',
    engine: { raw: (s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n') },
    expect: notDocker(/not a Docker engine \(the answer is not HTTP/),
  },
  {
    name: 'a socket that accepts and never answers',
    engine: { raw: () => undefined },
    options: SHORT,
    expect: notDocker(/timed out/),
  },
  {
    name: 'a socket path that does not exist',
    engine: { path: (d) => `${d}/missing.sock` },
    expect: notDocker(/no such socket/),
  },
  {
    name: 'a socket path that is a regular file',
    engine: {
      path: async (d) => {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(`${d}/file.sock`, '');
        return `${d}/file.sock`;
      },
    },
    expect: notDocker(/connection refused/),
  },
  {
    name: 'a socket path that is a folder',
    engine: { path: (d) => d },
    expect: notDocker(/connection refused|ECONNREFUSED|ENOTSOCK/),
  },
  {
    name: 'permission denied on the socket (scan as nobody)',
    engine: { routes: {} },
    asNobody: true,
    expect: notDocker(/permission denied on the socket/),
  },
  {
    name: 'a TCP port nobody listens on',
    engine: { url: 'tcp://127.0.0.1:1' },
    expect: notDocker(/connection refused/),
  },
  {
    name: 'a unix socket given as a relative path',
    engine: { url: 'unix://var/run/docker.sock' },
    expect: bad(
      /--docker-host unix:\/\/var\/run\/docker\.sock: a unix socket needs an absolute path/,
    ),
  },
  {
    name: 'a TCP port out of range',
    engine: { url: 'tcp://127.0.0.1:99999' },
    expect: bad(/expected unix:\/\/\/path\/to\/docker\.sock or tcp:\/\/host:port/),
  },
  {
    name: 'an https:// URL (no TLS support)',
    engine: { url: 'https://127.0.0.1:2376' },
    expect: bad(/expected unix:\/\/\/path\/to\/docker\.sock or tcp:\/\/host:port/),
  },
  {
    name: 'a Docker host with a newline and an escape sequence',
    engine: { url: 'unix:///tmp/x\n\u001b[2J.sock' },
    expect: bad(/unix:\/\/\/tmp\/x\\n\\x1b\[2J\.sock: no such socket/),
  },

  // --- Docker answers, one container's inspect does not: error on its controls, the scan goes on ---
  {
    name: 'inspect answers HTTP 500',
    engine: { routes: { [INSPECT]: status(500, '{"message":"layer does not exist"}') } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect answers HTTP 403 (an authorization plugin)',
    engine: { routes: { [INSPECT]: status(403, '{"message":"authorization denied by plugin"}') } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect answers invalid JSON',
    engine: {
      routes: {
        [INSPECT]: status(200, '{"Id": "abc", "Args": [', { 'Content-Type': 'application/json' }),
      },
    },
    expect: report(APISERVER),
  },
  {
    name: 'inspect answers HTML',
    engine: {
      routes: { [INSPECT]: status(200, '<html>nope</html>', { 'Content-Type': 'text/html' }) },
    },
    expect: report(APISERVER),
  },
  {
    name: 'inspect is reset in the middle of the body',
    engine: { routes: { [INSPECT]: resetMidBody } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect is chunked and never finished',
    engine: { routes: { [INSPECT]: truncatedChunks } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect never answers (timeout)',
    engine: { routes: { [INSPECT]: silent } },
    options: SHORT,
    expect: report(APISERVER),
  },
  {
    name: 'an inspect answer of 17 MB',
    engine: { routes: { [INSPECT]: huge(17 << 20) } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect answers a JSON array',
    engine: { routes: { [INSPECT]: inspectLike([{ Args: [] }]) } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect answers null',
    engine: { routes: { [INSPECT]: inspectLike(null) } },
    expect: report(APISERVER),
  },
  {
    name: 'inspect with Args that is a string',
    engine: {
      routes: {
        [INSPECT]: inspectLike({
          Path: '/x',
          Args: '--anonymous-auth=false',
          State: { Status: 'running', Running: true },
        }),
      },
    },
    expect: report(APISERVER),
  },
  {
    name: 'inspect with a number among the Args',
    engine: {
      routes: {
        [INSPECT]: inspectLike({
          Path: '/x',
          Args: ['--anonymous-auth=false', 1],
          State: { Status: 'running', Running: true },
        }),
      },
    },
    expect: report(APISERVER),
  },
  {
    name: 'inspect without a State',
    engine: {
      routes: { [INSPECT]: inspectLike({ Path: '/x', Args: ['--anonymous-auth=false'] }) },
    },
    expect: report(APISERVER),
  },
  {
    name: 'the kubelet inspect fails (the worker marker)',
    engine: { routes: { '/containers/kubelet/json': status(500) } },
    expect: report(errors('2.1.2', '2.1.3', '2.1.6', '2.1.9', '2.1.15')),
  },
  {
    name: 'the etcd inspect fails (the etcd marker)',
    engine: { routes: { '/containers/etcd/json': silent } },
    options: SHORT,
    expect: report(errors('1.5.1', '1.5.3', '1.5.6')),
  },
  {
    name: 'the scheduler inspect fails (no marker)',
    engine: { routes: { '/containers/kube-scheduler/json': resetMidBody } },
    expect: report(errors('1.2.1', '1.2.2')),
  },
  {
    name: 'every inspect fails',
    engine: {
      routes: Object.fromEntries(
        ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet'].map(
          (n) => [`/containers/${n}/json`, status(500)],
        ),
      ),
    },
    expect: report(errors('1.1.1', '1.2.1', '1.3.1', '1.5.1', '2.1.2')),
  },
  {
    name: 'an engine with no RKE containers at all: nothing can be judged, said so (exit 2)',
    engine: {
      routes: Object.fromEntries(
        ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet'].map(
          (n) => [`/containers/${n}/json`, status(404, '{"message":"No such container"}')],
        ),
      ),
    },
    expect: bad(
      /^rkecis: no RKE container on the Docker engine unix:\/\/.*: none of etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet exists/,
    ),
  },
  {
    name: 'kube-apiserver absent (404): the controlplane role is not there',
    engine: {
      routes: { [INSPECT]: status(404, '{"message":"No such container: kube-apiserver"}') },
    },
    expect: report({ '2.1.2': 'pass', '1.5.2': 'pass' }, { absent: ['1.1.1', '1.2.1', '1.3.1'] }),
  },
];
