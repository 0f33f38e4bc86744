import type http from 'node:http';
import { InputError } from '../cli/errors.js';
import type { ContainerEvidence } from '../evidence/schema.js';
import { HttpGetError, httpGet, parseJson, type HttpResponse } from './http-get.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** An inspect is a few KB; a ping answer two bytes. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Where to send requests: a unix socket path, host and port for tcp:// (plain HTTP), or a
 * connection factory (the node's socket through an SSH stream-local forward, src/ssh/).
 */
export type DockerEndpoint =
  | { url: string; socketPath: string }
  | { url: string; host: string; port: number }
  | { url: string; connect: DockerConnect };

/** Opens one stream to the engine per request, as http.request's createConnection does. */
export type DockerConnect = NonNullable<http.ClientRequestArgs['createConnection']>;

/** --docker-host, else DOCKER_HOST, else the default socket; the docker CLI's own order. */
export function dockerEndpoint(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DockerEndpoint {
  const url =
    flag ??
    (env.DOCKER_HOST !== undefined && env.DOCKER_HOST !== ''
      ? env.DOCKER_HOST
      : DEFAULT_DOCKER_HOST);
  const source =
    flag !== undefined ? '--docker-host' : env.DOCKER_HOST ? 'DOCKER_HOST' : 'default Docker host';
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new InputError(
        `${source} ${url}: a unix socket needs an absolute path (unix:///var/run/docker.sock)`,
      );
    }
    return { url, socketPath };
  }
  const tcp = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url);
  if (tcp?.[1] !== undefined && tcp[2] !== undefined && Number(tcp[2]) <= 65535) {
    return { url, host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  }
  throw new InputError(`${source} ${url}: expected unix:///path/to/docker.sock or tcp://host:port`);
}

/** Read-only client for the two Docker Engine API calls a scan needs. */
export class DockerClient {
  constructor(
    readonly endpoint: DockerEndpoint,
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {}

  private get(path: string): Promise<HttpResponse> {
    const e = this.endpoint;
    const target: http.RequestOptions =
      'socketPath' in e
        ? { socketPath: e.socketPath, path }
        : 'connect' in e
          ? { createConnection: e.connect, path }
          : { host: e.host, port: e.port, path };
    // The engine answers unversioned paths with its own API version, so no negotiation is needed.
    return httpGet(
      { ...target, headers: { Host: 'docker', Accept: 'application/json' } },
      { timeoutMs: this.timeoutMs, maxBytes: MAX_BODY_BYTES },
    );
  }

  /**
   * Proves the endpoint is a Docker engine before anything is inspected: without this, a socket
   * that is something else would make every container look absent, and absent reads as a finding.
   * GET /_ping, as the docker CLI does before each command: the engine answers `OK` with its API
   * version in a header. (GET /version would also do, but the engine runs runc and docker-init
   * to answer it: 15 to 40 ms, a tenth of a whole scan.)
   */
  async ping(): Promise<{ apiVersion: string }> {
    const where = this.endpoint.url;
    let res;
    try {
      res = await this.get('/_ping');
    } catch (e) {
      throw new InputError(`Docker host ${where}: ${transportProblem(e)}`);
    }
    if (res.status !== 200) {
      throw new InputError(
        `Docker host ${where}: not a Docker engine (GET /_ping answered HTTP ${res.status})`,
      );
    }
    // Docker 1.13 and later name their API version in a header; 1.11 and 1.12, which RKE v0.1.x
    // also runs on, only say `Server: Docker/1.12.6 (linux)`.
    const apiVersion = res.headers['api-version'];
    const server = res.headers.server;
    const docker =
      typeof apiVersion === 'string'
        ? /^\d+\.\d+$/.test(apiVersion)
        : typeof server === 'string' && /^Docker\/\d+\.\d+/.test(server);
    if (!docker || res.body.toString('utf8').trim() !== 'OK') {
      throw new InputError(
        `Docker host ${where}: not a Docker engine (GET /_ping did not answer "OK" with an Api-Version or Server: Docker/ header, as Docker does)`,
      );
    }
    return { apiVersion: typeof apiVersion === 'string' ? apiVersion : 'unknown' };
  }

  /** One container's inspect, reduced to what controls read; Env never leaves this function. */
  async inspect(name: string): Promise<ContainerEvidence> {
    let res;
    try {
      res = await this.get(`/containers/${encodeURIComponent(name)}/json`);
    } catch (e) {
      return { status: 'error', reason: `docker inspect ${name}: ${transportProblem(e)}` };
    }
    if (res.status === 404) return { status: 'absent' };
    if (res.status !== 200) {
      return {
        status: 'error',
        reason: `docker inspect ${name}: HTTP ${res.status}${engineMessage(res.body)}`,
      };
    }
    const reduced = reduceInspect(parseJson(res.body));
    return typeof reduced === 'string'
      ? { status: 'error', reason: `docker inspect ${name}: ${reduced}` }
      : reduced;
  }

  /** Inspects each container once, all at once. */
  async inspectAll(names: readonly string[]): Promise<Record<string, ContainerEvidence>> {
    const results = await Promise.all(names.map((n) => this.inspect(n)));
    return Object.fromEntries(names.map((n, i) => [n, results[i] as ContainerEvidence]));
  }
}

/**
 * Picks the fields controls read, or says why the answer cannot be read. Anything else, Env above
 * all, is dropped here. A field a control reads that is missing or of another type is unreadable
 * evidence, not an empty one: `"Args": null` is not "no arguments" (every RKE component has them).
 */
export function reduceInspect(data: unknown): ContainerEvidence | string {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return 'the engine answered something that is not inspect JSON';
  const d = data as {
    Id?: unknown;
    Name?: unknown;
    Path?: unknown;
    Args?: unknown;
    Config?: { Image?: unknown } | null;
    State?: { Status?: unknown; Running?: unknown } | null;
  };
  const args = d.Args;
  if (!Array.isArray(args))
    return `the answer's Args is ${typeName(args)}, not a list of arguments; the container's arguments cannot be read`;
  const odd = args.findIndex((a) => typeof a !== 'string');
  if (odd >= 0)
    return `the answer's Args[${odd}] is ${typeName(args[odd])}, not a string; the container's arguments cannot be read`;
  if (typeof d.Path !== 'string')
    return `the answer's Path is ${typeName(d.Path)}, not a string (the entrypoint)`;
  if (typeof d.State?.Status !== 'string' || typeof d.State.Running !== 'boolean')
    return "the answer's State has no Status and Running; the container's state cannot be read";
  return {
    status: 'present',
    ...(typeof d.Id === 'string' ? { id: d.Id } : {}),
    // The API names containers with a leading slash ("/kube-apiserver").
    ...(typeof d.Name === 'string' ? { name: d.Name.replace(/^\//, '') } : {}),
    image: typeof d.Config?.Image === 'string' ? d.Config.Image : '',
    path: d.Path,
    args: [...(args as string[])],
    state: { status: d.State.Status, running: d.State.Running },
  };
}

/** A JSON value's type, as a message names it. */
function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function transportProblem(e: unknown): string {
  if (!(e instanceof HttpGetError)) return (e as Error).message;
  switch (e.code) {
    case 'ENOENT':
      return 'no such socket (is Docker running here? use --docker-host)';
    case 'EACCES':
      return 'permission denied on the socket (run as root or a member of the docker group)';
    case 'ECONNREFUSED':
      return 'connection refused (is Docker running? use --docker-host)';
    case 'ETIMEDOUT':
      return `timed out: ${e.message}`;
    case 'ESSHFORWARD':
      return e.message;
    case 'EPIPE':
    case 'ECONNRESET':
      return `the connection was closed before a whole answer (${e.code}; is this a Docker socket?)`;
    default:
      // Parser errors (HPE_*) mean whatever answered does not speak HTTP.
      return e.code.startsWith('HPE_')
        ? `not a Docker engine (the answer is not HTTP: ${e.message})`
        : `${e.code}: ${e.message}`;
  }
}

/** The engine's own error text ({"message": "..."}), kept short. */
function engineMessage(body: Buffer): string {
  const m = (parseJson(body) as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? `: ${m.slice(0, 200)}` : '';
}
