import type http from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { InputError } from '../base/errors.js';
import type { ContainerEvidence } from '../evidence/schema.js';
import { credentialFileProblem, expandHome, readCredentialFile } from '../base/credential-file.js';
import { reduceInspect, type InspectWant } from './docker-inspect.js';
import { HttpGetError, httpGet, parseJson, type HttpResponse } from './http-get.js';

export { reduceInspect, type InspectWant } from './docker-inspect.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** An inspect is a few KB; a ping answer two bytes. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Where to send requests: a unix socket path, host and port for tcp:// (HTTPS when `tls` is set,
 * else plain HTTP), or an HTTP agent that opens its own connections (the node's socket through
 * SSH stream-local forwards, src/collect/ssh/). `connection` says how, for the bundle and the
 * report.
 */
export type DockerEndpoint = { url: string; connection: string } & (
  { socketPath: string } | { host: string; port: number; tls?: DockerTls } | { agent: http.Agent }
);

/** The engine's CA, and the client certificate and key when there are. */
export interface DockerTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The CA file, for messages. */
  caFile: string;
}

/** The docker CLI's TLS options (--tlsverify, --tlscacert, --tlscert, --tlskey). */
export interface DockerTlsOptions {
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

export const PLAIN_TCP =
  'plain TCP: not encrypted, and the engine is not authenticated (use TLS: --tlsverify)';

/**
 * --docker-host, else DOCKER_HOST, else the default socket; the docker CLI's own order. TLS as
 * the docker CLI does it: on with --tlsverify (or any --tlscacert/--tlscert/--tlskey) or a
 * non-empty DOCKER_TLS_VERIFY; the files default to ca.pem, cert.pem and key.pem in
 * DOCKER_CERT_PATH, else ~/.docker.
 */
export function dockerEndpoint(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  tlsOptions: DockerTlsOptions = {},
): DockerEndpoint {
  const url =
    flag ??
    (env.DOCKER_HOST !== undefined && env.DOCKER_HOST !== ''
      ? env.DOCKER_HOST
      : DEFAULT_DOCKER_HOST);
  const source =
    flag !== undefined ? '--docker-host' : env.DOCKER_HOST ? 'DOCKER_HOST' : 'default Docker host';
  const flagged =
    tlsOptions.tlsverify === true ||
    tlsOptions.tlscacert !== undefined ||
    tlsOptions.tlscert !== undefined ||
    tlsOptions.tlskey !== undefined;
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new InputError(
        `${source} ${url}: a unix socket needs an absolute path (unix:///var/run/docker.sock)`,
      );
    }
    if (flagged)
      throw new InputError(
        `${source} ${url}: --tlsverify, --tlscacert, --tlscert and --tlskey are for a tcp:// Docker host, not a unix socket`,
      );
    return { url, socketPath, connection: 'unix socket' };
  }
  const tcp = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url);
  if (tcp?.[1] !== undefined && tcp[2] !== undefined && Number(tcp[2]) <= 65535) {
    const host = tcp[1].replace(/^\[|\]$/g, '');
    const port = Number(tcp[2]);
    if (!flagged && (env.DOCKER_TLS_VERIFY === undefined || env.DOCKER_TLS_VERIFY === ''))
      return { url, host, port, connection: PLAIN_TCP };
    const tls = dockerTls(tlsOptions, env);
    return {
      url,
      host,
      port,
      tls,
      connection: `TLS, the engine's certificate verified against ${tls.caFile}${tls.cert !== undefined ? ', with a client certificate' : ', without a client certificate'}`,
    };
  }
  throw new InputError(`${source} ${url}: expected unix:///path/to/docker.sock or tcp://host:port`);
}

/** Reads the CA, certificate and key as the docker CLI finds them; each problem names its file. */
function dockerTls(o: DockerTlsOptions, env: NodeJS.ProcessEnv): DockerTls {
  const dir =
    env.DOCKER_CERT_PATH !== undefined && env.DOCKER_CERT_PATH !== ''
      ? expandHome(env.DOCKER_CERT_PATH, env)
      : join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), '.docker');
  const dirName =
    env.DOCKER_CERT_PATH !== undefined && env.DOCKER_CERT_PATH !== ''
      ? `DOCKER_CERT_PATH ${dir}`
      : `the Docker certificate folder ${dir} (DOCKER_CERT_PATH is not set)`;
  const read = (flag: string, given: string | undefined, name: string, required: boolean) => {
    const file = given !== undefined ? expandHome(given, env) : join(dir, name);
    try {
      return { file, data: readCredentialFile(file) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (given === undefined && code === 'ENOENT' && !required) return { file, data: undefined };
      throw new InputError(
        given !== undefined
          ? `${flag} ${file}: ${credentialFileProblem(e)}`
          : `${dirName} has no readable ${name} (${credentialFileProblem(e)})${name === 'ca.pem' ? ": TLS needs the CA that signed the engine's certificate (or --tlscacert)" : ''}`,
      );
    }
  };
  const ca = read('--tlscacert', o.tlscacert, 'ca.pem', true);
  const cert = read('--tlscert', o.tlscert, 'cert.pem', false);
  const key = read('--tlskey', o.tlskey, 'key.pem', false);
  if ((cert.data === undefined) !== (key.data === undefined)) {
    const [has, lacks] = cert.data === undefined ? [key, cert] : [cert, key];
    throw new InputError(
      `${has.file} has no ${lacks === cert ? 'certificate' : 'key'} beside it: ${lacks.file} is missing (a client certificate needs its key: give both, or neither)`,
    );
  }
  try {
    createSecureContext({
      ca: ca.data,
      ...(cert.data !== undefined ? { cert: cert.data, key: key.data } : {}),
    });
  } catch (e) {
    throw new InputError(
      `the Docker TLS files ${[ca, cert, key]
        .filter((f) => f.data !== undefined)
        .map((f) => f.file)
        .join(', ')} cannot be used: ${(e as Error).message}`,
    );
  }
  return {
    ca: ca.data as Buffer,
    caFile: ca.file,
    ...(cert.data !== undefined && key.data !== undefined
      ? { cert: cert.data, key: key.data }
      : {}),
  };
}

/** Read-only client for the two Docker Engine API calls a scan needs. */
export class DockerClient {
  constructor(
    readonly endpoint: DockerEndpoint,
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {}

  /** Requests sent and not yet answered, and those waiting for one of them to end. */
  private sent = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * Through an agent, at most its maxSockets requests at a time: node:http's Agent does not count
   * a connection its createConnection is still opening (an SSH channel is opened asynchronously),
   * so requests sent together would each open their own.
   */
  private async get(path: string): Promise<HttpResponse> {
    const e = this.endpoint;
    if (!('agent' in e)) return this.send(path);
    // A request that ends hands its place to the next one waiting, if any.
    if (this.sent < e.agent.maxSockets) this.sent++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await this.send(path);
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.sent--;
    }
  }

  private send(path: string): Promise<HttpResponse> {
    const e = this.endpoint;
    const tls = 'host' in e ? e.tls : undefined;
    const target: http.RequestOptions =
      'socketPath' in e
        ? { socketPath: e.socketPath, path }
        : 'agent' in e
          ? { agent: e.agent, path }
          : {
              host: e.host,
              port: e.port,
              path,
              // No pooled TLS sessions: each request is verified on its own.
              ...(tls !== undefined
                ? { ca: tls.ca, cert: tls.cert, key: tls.key, agent: false }
                : {}),
            };
    // The engine answers unversioned paths with its own API version, so no negotiation is needed.
    // Over TLS, the Host header is the engine's name: Node checks the certificate against it.
    return httpGet(
      {
        ...target,
        headers: {
          Host: tls !== undefined && 'host' in e ? e.host : 'docker',
          Accept: 'application/json',
        },
      },
      { timeoutMs: this.timeoutMs, maxBytes: MAX_BODY_BYTES, tls: tls !== undefined },
    );
  }

  /**
   * Proves the endpoint is a Docker engine before anything is inspected: without this, a socket
   * that is something else would make every container look absent, and absent reads as a finding.
   * GET /_ping, as the docker CLI does before each command: the engine answers `OK` with its API
   * version in a header. (GET /version would also do, but the engine runs runc and docker-init
   * to answer it: 15 to 40 ms, a tenth of a whole scan.)
   */
  ping(): Promise<{ apiVersion: string }> {
    // Asked once per client: a node scan over SSH starts it while SFTP opens.
    this.pinged ??= this.askPing();
    return this.pinged;
  }

  private pinged: Promise<{ apiVersion: string }> | undefined;

  private async askPing(): Promise<{ apiVersion: string }> {
    const where = this.endpoint.url;
    let res;
    try {
      res = await this.get('/_ping');
    } catch (e) {
      throw new InputError(`Docker host ${where}: ${transportProblem(e, this.endpoint)}`);
    }
    if (res.status !== 200) {
      // dockerd with --tlsverify answers a plain HTTP request with 400 and this text.
      if (res.status === 400 && /HTTP request to an HTTPS server/i.test(res.body.toString('utf8')))
        throw new InputError(
          `Docker host ${where}: the engine only speaks TLS on this port: give --tlsverify with its CA (--tlscacert, or ca.pem in DOCKER_CERT_PATH), or set DOCKER_TLS_VERIFY=1`,
        );
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

  /**
   * One container's inspect, reduced to what controls read: with `mounts`, its mounts; with
   * `env`, those variables of its environment and no other (the rest never leaves this function).
   */
  async inspect(name: string, want: InspectWant = {}): Promise<ContainerEvidence> {
    let res;
    try {
      res = await this.get(`/containers/${encodeURIComponent(name)}/json`);
    } catch (e) {
      return {
        status: 'error',
        reason: `docker inspect ${name}: ${transportProblem(e, this.endpoint)}`,
      };
    }
    if (res.status === 404) return { status: 'absent' };
    if (res.status !== 200) {
      return {
        status: 'error',
        reason: `docker inspect ${name}: HTTP ${res.status}${engineMessage(res.body)}`,
      };
    }
    const reduced = reduceInspect(parseJson(res.body), want);
    return typeof reduced === 'string'
      ? { status: 'error', reason: `docker inspect ${name}: ${reduced}` }
      : reduced;
  }

  /** Inspects each container once, all at once; `want` by container name. */
  async inspectAll(
    names: readonly string[],
    want: ReadonlyMap<string, InspectWant> = new Map(),
  ): Promise<Record<string, ContainerEvidence>> {
    const results = await Promise.all(names.map((n) => this.inspect(n, want.get(n))));
    return Object.fromEntries(names.map((n, i) => [n, results[i] as ContainerEvidence]));
  }
}

/** What a failed TLS handshake means, by Node's error code; undefined for other failures. */
function tlsProblem(e: HttpGetError, endpoint: DockerEndpoint): string | undefined {
  const tls = 'host' in endpoint ? endpoint.tls : undefined;
  if (tls === undefined) {
    return /wrong version number|WRONG_VERSION_NUMBER/i.test(`${e.code} ${e.message}`)
      ? 'the engine does not speak plain HTTP here'
      : undefined;
  }
  const host = 'host' in endpoint ? endpoint.host : '';
  switch (e.code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the engine's TLS certificate is not for ${host} (${e.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}): connect by a name the certificate lists`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return `the engine's TLS certificate is not signed by the CA ${tls.caFile} (${e.code})`;
    case 'CERT_HAS_EXPIRED':
      return "the engine's TLS certificate has expired";
    case 'CERT_NOT_YET_VALID':
      return "the engine's TLS certificate is not valid yet";
    default:
      break;
  }
  const text = `${e.code} ${e.message}`;
  if (
    // Go's TLS (dockerd) answers a missing client certificate with "bad certificate" too.
    /certificate required|CERTIFICATE_REQUIRED|bad certificate|BAD_CERTIFICATE|handshake failure|HANDSHAKE_FAILURE/i.test(
      text,
    ) &&
    tls.cert === undefined
  )
    return 'the engine requires a client certificate: give --tlscert and --tlskey (or cert.pem and key.pem in DOCKER_CERT_PATH)';
  if (
    /bad certificate|BAD_CERTIFICATE|unknown ca|UNKNOWN_CA|certificate unknown|CERTIFICATE_UNKNOWN/i.test(
      text,
    )
  )
    return `the engine refused the client certificate (${e.message}): it is not signed by a CA the engine trusts`;
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long/i.test(text))
    return 'the engine does not speak TLS on this port (a plain tcp:// engine, without --tlsverify)';
  if (/SSL|TLS|tlsv|ssl3/i.test(text)) return `TLS handshake failed: ${e.message}`;
  return undefined;
}

function transportProblem(e: unknown, endpoint: DockerEndpoint): string {
  if (!(e instanceof HttpGetError)) return (e as Error).message;
  const tls = tlsProblem(e, endpoint);
  if (tls !== undefined) return tls;
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
