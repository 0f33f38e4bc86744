import { existsSync } from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError } from '../base/errors.js';
import { checkInputFile } from '../base/input-file.js';
import type { Evidence, ResourceEvidence } from '../evidence/schema.js';
import { HttpGetError, httpGet, parseJson } from './http-get.js';
import { listResource, provenGone, statusProblem, type Answer } from './kube-lists.js';
import { cutDeep, secretCutter, urlCredentials, withoutCredentials } from './secrets.js';
import { MAX_KUBECONFIG_BYTES, readSimpleKubeconfig, type KubeAccess } from './kubeconfig-lite.js';

type KubernetesEvidence = NonNullable<Evidence['kubernetes']>;

export { MAX_OBJECTS, MAX_PAGES, PAGE_LIMIT } from './kube-lists.js';

const MAX_LIST_BYTES = 32 * 1024 * 1024;
const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Which kubeconfig a scan uses: kubectl's order, then the pod's service account. */
export type KubeSource =
  | { kind: 'kubeconfig'; path: string; from: '--kubeconfig' | 'KUBECONFIG' | 'default' }
  | { kind: 'in-cluster' }
  | { kind: 'none'; reason: string };

export function findKubeconfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): KubeSource {
  if (flag !== undefined) return { kind: 'kubeconfig', path: flag, from: '--kubeconfig' };
  if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '')
    return { kind: 'kubeconfig', path: env.KUBECONFIG, from: 'KUBECONFIG' };
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  const dflt = join(home, '.kube', 'config');
  if (existsSync(dflt)) return { kind: 'kubeconfig', path: dflt, from: 'default' };
  if (
    env.KUBERNETES_SERVICE_HOST &&
    env.KUBERNETES_SERVICE_PORT &&
    existsSync(SERVICEACCOUNT_TOKEN)
  ) {
    return { kind: 'in-cluster' };
  }
  return {
    kind: 'none',
    reason: `no kubeconfig: --kubeconfig not given, KUBECONFIG not set, ${dflt} not found, and not running in a pod`,
  };
}

/** Text for the bundle's `collector.kubernetes`: where the API answers, never credentials. */
export function describeSource(source: KubeSource, server?: string): string {
  if (source.kind === 'none') return 'none';
  const where =
    source.kind === 'in-cluster' ? 'in-cluster service account' : `kubeconfig ${source.path}`;
  return server === undefined ? where : `${where} (${withoutCredentials(server)})`;
}

/**
 * Lists the resources a profile needs, and the server version. Failures become evidence
 * (`error`, `not-served`), never a thrown error, except a kubeconfig that cannot be loaded at all:
 * that is the user's input, so it is an InputError.
 */
export async function collectKubernetes(
  source: KubeSource,
  resources: readonly string[],
  timeoutMs: number,
): Promise<{ evidence: KubernetesEvidence; server?: string }> {
  if (source.kind === 'none') {
    return {
      evidence: {
        resources: Object.fromEntries(
          resources.map((r) => [r, { status: 'error', reason: source.reason }]),
        ),
      },
    };
  }
  const kc = await loadKubeConfig(source);
  const server = kc.getCurrentCluster()?.server;
  const everyResource = (reason: string): KubernetesEvidence => ({
    resources: Object.fromEntries(resources.map((r) => [r, { status: 'error', reason }])),
  });
  if (server === undefined)
    return { evidence: everyResource(`${describeSource(source)} names no current cluster`) };
  const get = (path: string): Promise<Answer> => apiGet(kc, server, path, timeoutMs);
  const [version, ...lists] = await Promise.all([
    serverVersion(get),
    ...resources.map((r) => listResource(get, r)),
  ]);
  return {
    server,
    evidence: {
      ...(version !== undefined ? { version } : {}),
      resources: Object.fromEntries(
        resources.map((r, i) => [r, provenGone(r, lists[i] as ResourceEvidence, version)]),
      ),
    },
  };
}

/** The kubeconfig files of a source: KUBECONFIG may list several. */
const kubeconfigFiles = (source: Extract<KubeSource, { kind: 'kubeconfig' }>): string[] =>
  source.from === 'KUBECONFIG'
    ? source.path.split(delimiter).filter((f) => f !== '')
    : [source.path];

/**
 * The files a loaded kubeconfig will have read for each request (its current cluster's CA, its
 * user's certificate and key), checked as input files now: a FIFO or a device there would
 * otherwise hang or flood the first request.
 */
function checkReferencedFiles(kc: KubeAccess, name: string): void {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const files: [string, string | undefined][] = [
    ['certificate-authority', cluster?.caFile],
    ['client-certificate', user?.certFile],
    ['client-key', user?.keyFile],
  ];
  for (const [key, file] of files) {
    if (file === undefined || file === '') continue;
    checkInputFile(file, { maxBytes: MAX_KUBECONFIG_BYTES, label: `${name}: ${key} ${file}` });
  }
}

async function loadKubeConfig(source: Exclude<KubeSource, { kind: 'none' }>): Promise<KubeAccess> {
  const name =
    source.kind === 'in-cluster' ? 'in-cluster service account' : `${source.from} ${source.path}`;
  if (source.kind === 'kubeconfig') {
    // Checked here whichever reader reads them: the client would wait on a FIFO forever.
    const files = kubeconfigFiles(source);
    for (const file of files) {
      checkInputFile(file, {
        maxBytes: MAX_KUBECONFIG_BYTES,
        label: files.length > 1 ? `KUBECONFIG file ${file}` : name,
      });
    }
    // RKE's kubeconfig (a client certificate or a token) is read without the client.
    const simple = readSimpleKubeconfig(
      source.from === 'KUBECONFIG' ? (process.env.KUBECONFIG ?? '') : source.path,
      source.from,
    );
    if (simple !== undefined) {
      checkReferencedFiles(simple, name);
      return simple;
    }
  }
  // Loaded only when a cluster is queried: the client takes about a second to import.
  const { KubeConfig } = await import('./kube-client.js');
  const kc = new KubeConfig();
  try {
    if (source.kind === 'in-cluster') kc.loadFromCluster();
    // KUBECONFIG may list several files; the client merges them as kubectl does.
    else if (source.from === 'KUBECONFIG') kc.loadFromDefault();
    else kc.loadFromFile(source.path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // A TypeError is the client tripping over a file with no clusters, users or contexts.
    const what =
      err.code === 'ENOENT'
        ? 'no such file'
        : e instanceof TypeError
          ? 'not a kubeconfig (no clusters, users and contexts)'
          : (err.message.split('\n')[0] ?? 'cannot be read');
    throw new InputError(`${name}: ${what}`);
  }
  if (source.kind === 'kubeconfig') checkReferencedFiles(kc, name);
  return kc;
}

/** One GET with the kubeconfig's TLS and credentials (which stay in the request headers). */
async function apiGet(
  kc: KubeAccess,
  server: string,
  path: string,
  timeoutMs: number,
): Promise<Answer> {
  let url: URL;
  const opts: https.RequestOptions = {};
  const plugin = credentialPlugin(kc);
  if (plugin !== undefined) return { problem: plugin };
  try {
    url = new URL(server.replace(/\/+$/, '') + path);
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    const cut = secretCutter([...requestSecrets(opts), ...urlCredentials(server)]);
    return {
      problem: `cannot use the kubeconfig's credentials or TLS settings: ${cut((e as Error).message.split('\n')[0] ?? '')}`,
    };
  }
  // A server (or whatever answers in its place) may quote the credentials back, whole, in part
  // or JSON-escaped: they are cut from what it says once decoded, never kept.
  const cut = secretCutter([...requestSecrets(opts), ...urlCredentials(server)]);
  const answer = await send(url, opts, withoutCredentials(server), timeoutMs);
  return 'problem' in answer
    ? { problem: cut(answer.problem) }
    : { status: answer.status, data: cutDeep(parseJson(answer.body), cut) };
}

/**
 * Why the kubeconfig's user cannot be used, if it gets its credentials from an exec plugin or an
 * auth provider: those run a command (the gcp and azure providers through a shell) or call other
 * services, and rkecis runs nothing on a kubeconfig's say-so.
 */
function credentialPlugin(kc: KubeAccess): string | undefined {
  const user = kc.getCurrentUser();
  if (user === null) return undefined;
  // The client types both as any: whatever a kubeconfig holds there.
  const exec = user.exec as unknown;
  const provider = user.authProvider as { name?: unknown } | null | undefined;
  const how =
    exec !== undefined && exec !== null
      ? 'an exec credential plugin'
      : provider !== undefined && provider !== null
        ? `the ${typeof provider.name === 'string' ? provider.name : ''} auth provider`
        : undefined;
  if (how === undefined) return undefined;
  return `the kubeconfig's user ${user.name} gets its credentials from ${how}, which would run a command; rkecis runs none: give it a kubeconfig with a token or a client certificate`;
}

/** The request's credentials: the bearer token (or basic-auth header) and a basic-auth password. */
function requestSecrets(opts: https.RequestOptions): (string | undefined)[] {
  const auth = (opts.headers as http.OutgoingHttpHeaders | undefined)?.Authorization;
  return [
    typeof auth === 'string' ? auth.replace(/^(Bearer|Basic)\s+/i, '') : undefined,
    typeof opts.auth === 'string' ? opts.auth.slice(opts.auth.indexOf(':') + 1) : undefined,
  ];
}

async function send(
  url: URL,
  opts: https.RequestOptions,
  server: string,
  timeoutMs: number,
): Promise<{ status: number; body: Buffer } | { problem: string }> {
  try {
    const res = await httpGet(
      {
        ...opts,
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        // applyToHTTPSOptions sets headers as an object (Authorization), never as a raw array.
        headers: {
          ...(opts.headers as http.OutgoingHttpHeaders | undefined),
          Accept: 'application/json',
        },
      },
      { timeoutMs, maxBytes: MAX_LIST_BYTES, tls: url.protocol === 'https:' },
    );
    return { status: res.status, body: res.body };
  } catch (e) {
    if (e instanceof HttpGetError && e.code === 'ETIMEDOUT')
      return { problem: `${server} timed out (${e.message})` };
    const err = e as NodeJS.ErrnoException;
    const tls = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY/.test(err.code ?? '') ? 'TLS: ' : '';
    return { problem: `${server}: ${tls}${err.message}` };
  }
}

async function serverVersion(get: (path: string) => Promise<Answer>): Promise<string | undefined> {
  const a = await get('/version');
  if ('problem' in a || a.status !== 200) return undefined;
  const v = (a.data as { gitVersion?: unknown } | undefined)?.gitVersion;
  return typeof v === 'string' ? v : undefined;
}

/**
 * The API server's own version (`GET /version`), for choosing the profile before anything else is
 * read; or, when it cannot be had, why (no kubeconfig, a server that does not answer). A
 * kubeconfig that cannot be loaded at all is the user's input: an InputError, as for a scan.
 */
export async function readServerVersion(
  source: KubeSource,
  timeoutMs: number,
): Promise<{ version: string; server: string } | { problem: string }> {
  if (source.kind === 'none') return { problem: source.reason };
  const kc = await loadKubeConfig(source);
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined)
    return { problem: `${describeSource(source)} names no current cluster` };
  const a = await apiGet(kc, server, '/version', timeoutMs);
  if ('problem' in a) return { problem: a.problem };
  if (a.status !== 200)
    return { problem: `${withoutCredentials(server)}/version: ${statusProblem(a)}` };
  const v = (a.data as { gitVersion?: unknown } | undefined)?.gitVersion;
  if (typeof v !== 'string')
    return { problem: `${withoutCredentials(server)}/version answered no gitVersion` };
  return { version: v, server: withoutCredentials(server) };
}
