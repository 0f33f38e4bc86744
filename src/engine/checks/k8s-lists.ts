import { ownValue } from '../../evidence/own.js';
import type { Evidence } from '../../evidence/schema.js';
import { servedAccordingTo } from '../../evidence/served.js';
import type { FieldFilter, FieldItem } from '../../profiles/schema.js';
import type { Status } from '../../report/types.js';
import { asText, select } from '../select.js';
import { describeTest, runTest, typeProblem } from '../tests.js';

/** One object of a listed resource, where a list check reads it. */
export interface ListedObject {
  resource: string;
  /** Its key in the evidence: `namespace/name`, or `name` for a cluster-scoped object. */
  key: string;
  namespace: string | undefined;
  name: string;
  obj: Readonly<Record<string, unknown>>;
}

/** How many object names a verdict's `actual` names; the rest are counted. */
export const NAMES_SHOWN = 10;

/** Why a resource's objects cannot be had: every Kubernetes kind (k8s-object too) gives them. */
export const resourceMessages = {
  'kubernetes-not-collected': () =>
    'Kubernetes API objects were not collected (no kubeconfig given)',
  'resource-not-collected': (d: { resource: string }) => `${d.resource} were not collected`,
  'resource-error': (d: { resource: string; reason: string }) =>
    `cannot list ${d.resource}: ${d.reason}`,
  /** The evidence says the kind is no longer served, and the server's version does not prove it. */
  'served-in-doubt': (d: { resource: string; reason: string; why: string }) =>
    `the evidence says ${d.resource} are not served (${d.reason}), but ${d.why}`,
  'not-served': (d: { resource: string; reason: string }) => d.reason,
} as const;

/** The messages of a list that cannot be judged: every Kubernetes list kind gives them. */
export const listMessages = {
  ...resourceMessages,
  'not-an-object': (d: { resource: string; key: string; what: string }) =>
    `${d.resource}/${d.key} is ${d.what}, not an object; its fields cannot be read`,
  /** A field of a type the test does not compare; `test` is the test in words. */
  'field-type': (d: { object: string; field: string; problem: string; test: string }) =>
    `${d.object}: ${d.field} is ${d.problem} (${d.test}); it cannot be judged`,
} as const;
/** A verdict of these messages that is not a judgement: its status, message id and data. */
type ProblemOf<M extends Record<string, (d: never) => string>> = {
  [I in keyof M]: {
    status: Extract<Status, 'error' | 'not-applicable'>;
    id: I;
    data: Parameters<M[I]> extends [infer D] ? D : Record<string, never>;
  };
}[keyof M];

/** Why a resource's objects cannot be had (an error), or that the API no longer serves it. */
export type ResourceProblem = ProblemOf<typeof resourceMessages>;
/** A list verdict that is not a judgement. */
export type ListProblem = ProblemOf<typeof listMessages>;

/** The text of a problem (a not-applicable verdict's reason). */
export const problemText = (p: ListProblem): string =>
  (listMessages[p.id] as (d: ListProblem['data']) => string)(p.data);

const whatIs = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`;

/**
 * A resource's objects by key, or why they cannot be had. A resource the bundle says is not
 * served is `not-applicable` only when the server's version proves the API removed it: a
 * bundle's word alone does not rule the controls out.
 */
export function resourceItems(
  evidence: Evidence,
  resource: string,
): { items: Readonly<Record<string, unknown>> } | { problem: ResourceProblem } {
  const k8s = evidence.kubernetes;
  if (k8s === undefined)
    return { problem: { status: 'error', id: 'kubernetes-not-collected', data: {} } };
  const res = ownValue(k8s.resources, resource, k8s.resources[resource]);
  if (res === undefined)
    return { problem: { status: 'error', id: 'resource-not-collected', data: { resource } } };
  if (res.status === 'error')
    return {
      problem: { status: 'error', id: 'resource-error', data: { resource, reason: res.reason } },
    };
  if (res.status === 'not-served') {
    const s = servedAccordingTo(resource, k8s.version);
    return s.served !== false
      ? {
          problem: {
            status: 'error',
            id: 'served-in-doubt',
            data: { resource, reason: res.reason, why: s.reason },
          },
        }
      : {
          problem: {
            status: 'not-applicable',
            id: 'not-served',
            data: { resource, reason: res.reason },
          },
        };
  }
  return { items: res.items };
}

/**
 * Every object of the given resources, or why they cannot be read. A resource the API no longer
 * serves (proven by the server's version, as for k8s-object) holds no objects; when none of the
 * resources is served, the control is not applicable.
 */
export function listObjects(
  evidence: Evidence,
  resources: readonly string[],
): { objects: ListedObject[] } | { problem: ListProblem } {
  const objects: ListedObject[] = [];
  let gone: { resource: string; reason: string } | undefined;
  let served = 0;
  for (const resource of resources) {
    const res = resourceItems(evidence, resource);
    if ('problem' in res) {
      if (res.problem.id !== 'not-served') return res;
      gone ??= res.problem.data;
      continue;
    }
    served++;
    for (const [key, obj] of Object.entries(res.items)) {
      // Evidence may come from a file: an "object" that is not one has no fields to prove anything.
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
        return {
          problem: {
            status: 'error',
            id: 'not-an-object',
            data: { resource, key, what: whatIs(obj) },
          },
        };
      const meta = (obj as { metadata?: unknown }).metadata;
      const m =
        meta !== null && typeof meta === 'object'
          ? (meta as { name?: unknown; namespace?: unknown })
          : {};
      const slash = key.indexOf('/');
      const namespace =
        typeof m.namespace === 'string' ? m.namespace : slash > 0 ? key.slice(0, slash) : undefined;
      const name = typeof m.name === 'string' ? m.name : key.slice(slash + 1);
      objects.push({ resource, key, namespace, name, obj: obj as Record<string, unknown> });
    }
  }
  if (served === 0 && gone !== undefined)
    return { problem: { status: 'not-applicable', id: 'not-served', data: gone } };
  return { objects };
}

/** How a verdict names an object: `pods/default/web`, `podsecuritypolicies/restricted`. */
export const objectName = (o: ListedObject): string => `${o.resource}/${o.key}`;

/** The first NAMES_SHOWN names, and how many more there are. */
export function someNames(objects: readonly ListedObject[]): { names: string[]; more: number } {
  return {
    names: objects.slice(0, NAMES_SHOWN).map(objectName),
    more: Math.max(0, objects.length - NAMES_SHOWN),
  };
}

export const namesText = (d: { names: readonly string[]; more: number }): string =>
  d.names.join(', ') + (d.more > 0 ? ` and ${d.more} more` : '');

/** A field test that cannot be judged on an object: which, and why. */
export interface FieldTypeIssue {
  field: string;
  problem: string;
  test: string;
}

const isGroup = (item: FieldItem): item is Exclude<FieldItem, { field: string }> =>
  !('field' in item);

/**
 * One field test on one object. A path with `*` may select several values: `set` asks whether
 * any is there (null counts as absent); an operator must hold for every value there is, and
 * fails when there is none. A value of a type the test does not compare is an issue, never a
 * pass or a fail.
 */
function fieldTest(
  t: Extract<FieldItem, { field: string }>,
  obj: unknown,
): boolean | FieldTypeIssue {
  const values = select(obj, t.field).filter((v) => v !== null && v !== undefined);
  for (const v of values) {
    const problem = typeProblem(t, v);
    if (problem !== undefined) return { field: t.field, problem, test: describeTest(t.field, t) };
  }
  if (t.op === undefined || values.length === 0)
    return runTest(t, values.length > 0 ? '' : undefined);
  return values.every((v) => runTest(t, asText(v)));
}

/**
 * Whether an object satisfies tests combined by `match`. Every test runs (no short cut), so a
 * value of the wrong type is found wherever it is.
 */
export function satisfies(
  items: readonly FieldItem[],
  match: 'all' | 'any',
  obj: unknown,
): boolean | FieldTypeIssue {
  const results: boolean[] = [];
  for (const item of items) {
    const r = isGroup(item) ? satisfies(item.tests, item.match, obj) : fieldTest(item, obj);
    if (typeof r !== 'boolean') return r;
    results.push(r);
  }
  return match === 'all' ? results.every(Boolean) : results.some(Boolean);
}

/** A filter in words: `spec.hostPID not set or spec.hostPID=false`. */
export function describeFilter(
  f: FieldFilter | { match: 'all' | 'any'; tests: FieldItem[] },
): string {
  const parts = f.tests.map((item) =>
    isGroup(item) ? `(${describeFilter(item)})` : describeTest(item.field, item),
  );
  return parts.join(f.match === 'all' ? ' and ' : ' or ');
}
