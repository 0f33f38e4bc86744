import { servedAccordingTo } from '../evidence/served.js';
import type { ResourceEvidence } from '../evidence/schema.js';
import {
  CONTAINER_LISTS,
  CONTAINER_SECRETS,
  POD_SPEC_PATHS,
  resourceOf,
  TOP_LEVEL_DROPPED,
  type KubernetesResource,
} from '../profiles/k8s-resources.js';

/**
 * The lists of Kubernetes objects a scan reads, page by page, and what is kept of each object:
 * the half of the Kubernetes collector (kubernetes.ts) that does not touch credentials.
 */

/** An API answer: its status and parsed body, or why there is none. */
export type Answer = { status: number; data: unknown } | { problem: string };

/** Objects asked for per page (`limit`); the server may send fewer, and pages are read in turn. */
export const PAGE_LIMIT = 500;
/**
 * A bound on the pages of one list: a server that pages forever (a new continue token every
 * time) would hold a scan and fill memory. 200 pages of 500 is 100,000 objects of one kind.
 */
export const MAX_PAGES = 200;
/** A bound on the objects of one list, whatever the pages hold (a server may ignore `limit`). */
export const MAX_OBJECTS = 100_000;

export async function listResource(
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
export function provenGone(
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

export function statusProblem(a: { status: number; data: unknown }): string {
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
