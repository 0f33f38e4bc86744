import { existsSync } from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError } from '../base/errors.js';
import { checkInputFile } from '../base/input-file.js';
import { servedAccordingTo } from '../evidence/served.js';
import type { Evidence, ResourceEvidence } from '../evidence/schema.js';
import {
  CONTAINER_LISTS,
  CONTAINER_SECRETS,
  POD_SPEC_PATHS,
  resourceOf,
  TOP_LEVEL_DROPPED,
  type KubernetesResource,
} from '../profiles/k8s-resources.js';
import { HttpGetError, httpGet, parseJson } from './http-get.js';
import { cutDeep, secretCutter, urlCredentials, withoutCredentials } from './secrets.js';
import { MAX_KUBECONFIG_BYTES, readSimpleKubeconfig, type KubeAccess } from './kubeconfig-lite.js';

type KubernetesEvidence = NonNullable<Evidence['kubernetes']>;

const MAX_LIST_BYTES = 32 * 1024 * 1024;
/** Objects asked for per page (`limit`); the server may send fewer, and pages are read in turn. */
export const PAGE_LIMIT = 500;
/**
 * A bound on the pages of one list: a server that pages forever (a new continue token every
 * time) would hold a scan and fill memory. 200 pages of 500 is 100,000 objects of one kind.
 */
export const MAX_PAGES = 200;
/** A bound on the objects of one list, whatever the pages hold (a server may ignore `limit`). */
export const MAX_OBJECTS = 100_000;
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

type Answer = { status: number; data: unknown } | { problem: string };

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

async function listResource(
  get: (path: string) => Promise<Answer>,
  resource: string,
): Promise<ResourceEvidence> {
  const api = resourceOf(resource);
  if (api === undefined)
    return { status: 'error', reason: `rkecis does not know which API serves ${resource}` };
  for (const gv of api.groupVersions) {
    const base = gv === 'v1' ? `/api/v1/${resource}` : `/apis/${gv}/${resource}`;
    const listed = await listPages(get, base, resource, gv, api);
    // 404 means this API version is not served; try the next (older) one.
    if (listed === 'not-found') continue;
    return listed;
  }
  return {
    status: 'not-served',
    reason: `${api.groupVersions.join(' and ')} answered 404 for ${resource}`,
  };
}

/**
 * One list, page by page (`limit`, then each `continue` token the server gives), into one
 * record of objects. Anything that would leave a list silently short is an error: a page that is
 * not JSON or not this kind's list, an object without a name, an expired token (410), a token
 * that repeats, more pages or objects than the bounds.
 */
async function listPages(
  get: (path: string) => Promise<Answer>,
  base: string,
  resource: string,
  gv: string,
  api: KubernetesResource,
): Promise<ResourceEvidence | 'not-found'> {
  const fail = (why: string): ResourceEvidence => ({
    status: 'error',
    reason: `listing ${resource} (${gv}): ${why}`,
  });
  // Names are the API's data: `__proto__` or `toString` is a name like any other, so an own
  // property of an object without a prototype (an assignment to {} would set its prototype).
  const items = Object.create(null) as Record<string, unknown>;
  const type = { apiVersion: gv, kind: api.kind };
  const tokens = new Set<string>();
  let count = 0;
  let token: string | undefined;
  for (let page = 1; ; page++) {
    if (page > MAX_PAGES)
      return fail(
        `the server still had more after ${String(MAX_PAGES)} pages of ${String(PAGE_LIMIT)}; rkecis stops there rather than read forever`,
      );
    const query = `?limit=${String(PAGE_LIMIT)}${token !== undefined ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const a = await get(base + query);
    if ('problem' in a) return { status: 'error', reason: `listing ${resource}: ${a.problem}` };
    if (a.status === 404 && page === 1) return 'not-found';
    if (a.status === 410)
      return fail(
        `page ${String(page)}: 410 Gone: the list changed faster than it could be read (its continue token expired); scan again`,
      );
    if (a.status !== 200) return fail(statusProblem(a));
    const list = a.data as { kind?: unknown; items?: unknown; metadata?: unknown } | undefined;
    if (list === undefined)
      return fail(`page ${String(page)} is not JSON (cut short, or not the API answering)`);
    if (!Array.isArray(list.items))
      return fail(`page ${String(page)}: the answer is not a Kubernetes list`);
    if (list.kind !== `${api.kind}List`)
      return fail(
        `page ${String(page)} is ${typeof list.kind === 'string' ? `a ${list.kind.slice(0, 80)}` : 'a list without a kind'}, where a ${api.kind}List was asked for`,
      );
    count += list.items.length;
    if (count > MAX_OBJECTS)
      return fail(`more than ${String(MAX_OBJECTS)} objects; rkecis stops there`);
    for (const item of list.items) {
      const key = keyOf(item, api.namespaced);
      if (typeof key !== 'string') return fail(`page ${String(page)}: ${key.problem}`);
      if (Object.hasOwn(items, key))
        return fail(`${key} is listed twice: the pages overlap, so the list cannot be trusted`);
      items[key] = { ...type, ...strip(item as Record<string, unknown>) };
    }
    const meta = list.metadata as { continue?: unknown } | null | undefined;
    const next = meta !== null && typeof meta === 'object' ? meta.continue : undefined;
    if (next === undefined || next === null || next === '')
      return { status: 'ok', apiVersion: gv, items };
    if (typeof next !== 'string')
      return fail(`page ${String(page)}: a continue token that is not text`);
    if (tokens.has(next))
      return fail(
        `page ${String(page)} gives a continue token already given: the pages would never end`,
      );
    tokens.add(next);
    token = next;
  }
}

/** An object's key in the evidence: `namespace/name` (namespaced kinds) or `name`; or why none. */
function keyOf(item: unknown, namespaced: boolean): string | { problem: string } {
  const meta =
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? (item as { metadata?: unknown }).metadata
      : undefined;
  const m = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
  if (typeof m.name !== 'string' || m.name === '')
    return {
      problem:
        'an object without a name (a list that drops it could hide what a control looks for)',
    };
  if (!namespaced) return m.name;
  if (typeof m.namespace !== 'string' || m.namespace === '')
    return { problem: `${m.name.slice(0, 80)} has no namespace, where its kind is namespaced` };
  return `${m.namespace}/${m.name}`;
}

/**
 * Every API answering 404 shows a kind gone only on a server whose version no longer has it:
 * anything else (a 1.11 server, or one whose version is unknown) is an answer that cannot be
 * trusted, and the kind's controls are errors rather than not applicable.
 */
function provenGone(
  resource: string,
  listed: ResourceEvidence,
  version: string | undefined,
): ResourceEvidence {
  if (listed.status !== 'not-served') return listed;
  const served = servedAccordingTo(resource, version);
  if (served.served === false) return { status: 'not-served', reason: served.reason };
  return {
    status: 'error',
    reason: `listing ${resource}: ${listed.reason}, but ${served.reason}; that answer does not show them gone`,
  };
}

function statusProblem(a: { status: number; data: unknown }): string {
  const message = (a.data as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
  if (a.status === 401)
    return `HTTP 401 Unauthorized: the API server did not accept the credentials${text}`;
  if (a.status === 403) return `HTTP 403 Forbidden${text}`;
  return `HTTP ${a.status}${text}`;
}

/** Noise that is large and no control reads: server bookkeeping and kubectl's copy of the object. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * An object as the evidence keeps it: without server bookkeeping, without its status (no control
 * reads it) and without anything that may hold a secret: containers' environment (`env`,
 * `envFrom`) in every pod spec and template, and `data`. k8s-resources.ts names these parts, and
 * the profile format refuses a check on them.
 */
function strip(item: Record<string, unknown>): Record<string, unknown> {
  const out = without(item, TOP_LEVEL_DROPPED);
  const metadata = { ...(item.metadata as Record<string, unknown>) };
  delete metadata.managedFields;
  const annotations = metadata.annotations;
  if (annotations !== null && typeof annotations === 'object') {
    const kept = Object.fromEntries(
      Object.entries(annotations).filter(([k]) => !DROPPED_ANNOTATIONS.includes(k)),
    );
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
    else delete metadata.annotations;
  }
  out.metadata = metadata;
  for (const path of POD_SPEC_PATHS) withoutEnvironment(out, path.split('.'));
  return out;
}

/** A copy of an object without some keys (fromEntries: `__proto__` stays a key like any other). */
const without = (o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** Copies the objects along `steps` (never changing the parsed answer in place) and drops env there. */
function withoutEnvironment(parent: Record<string, unknown>, steps: readonly string[]): void {
  const [step, ...rest] = steps;
  if (step === undefined) {
    for (const list of CONTAINER_LISTS) {
      const containers = parent[list];
      if (!Array.isArray(containers)) continue;
      parent[list] = containers.map((c: unknown) => {
        if (c === null || typeof c !== 'object' || Array.isArray(c)) return c;
        return without(c as Record<string, unknown>, CONTAINER_SECRETS);
      });
    }
    return;
  }
  const child = parent[step];
  if (child === null || typeof child !== 'object' || Array.isArray(child)) return;
  const copy = { ...(child as Record<string, unknown>) };
  parent[step] = copy;
  withoutEnvironment(copy, rest);
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
