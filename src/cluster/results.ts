import type { Role } from '../evidence/schema.js';
import type {
  ClusterFinding,
  ClusterNodeInfo,
  ClusterResult,
  ClusterStatus,
  NotScannedNode,
  Result,
  Status,
} from '../report/types.js';

/**
 * A control's cluster result, from what the merger kept of it (merge.ts): one outcome per
 * distinct value, and a byte per node saying which outcome that node had.
 */

/** A node result as an outcome that `count` nodes had (the key order is the JSON's). */
export const newOutcome = (r: Result, count: number): Outcome => ({
  status: r.status,
  actual: r.actual,
  ...(r.reason !== undefined ? { reason: r.reason } : {}),
  ...(r.waiver !== undefined ? { waiver: r.waiver } : {}),
  ...(r.found !== undefined ? { found: r.found } : {}),
  count,
});

export interface Outcome {
  status: Status;
  actual: string;
  reason?: string;
  waiver?: Result['waiver'];
  /** The first such node's found data: the same text comes of the same data. */
  found?: Result['found'];
  count: number;
}

export interface ControlAgg {
  template: Result;
  outcomes: Outcome[];
  byKey: Map<string, number>;
  overflow: Partial<Record<Status, number>>;
  codes: Uint8Array;
}

export const FAILING = (s: Status): boolean => s === 'fail' || s === 'error';
const STATUS_ORDER: Record<Status, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  manual: 3,
  'not-applicable': 4,
};

/**
 * A cluster result in the node result's field order (id, title, ..., status, actual, expected,
 * audit, remediation, ...), with the cluster's own status, value, reason and waiver.
 */
export function shaped(
  t: Result,
  own: {
    status: ClusterStatus;
    actual: string;
    reason?: string | undefined;
    waiver?: Result['waiver'];
    found?: Result['found'];
  },
  extra: Pick<ClusterResult, 'scope' | 'nodes' | 'failingNodes' | 'findings'>,
): ClusterResult {
  const rest: Omit<Result, 'reason' | 'waiver' | 'found'> & Partial<Result> = { ...t };
  delete rest.reason;
  delete rest.waiver;
  delete rest.found;
  return {
    ...rest,
    status: own.status,
    actual: own.actual,
    ...(own.found !== undefined ? { found: own.found } : {}),
    ...(own.reason !== undefined ? { reason: own.reason } : {}),
    ...(own.waiver !== undefined ? { waiver: own.waiver } : {}),
    ...extra,
  };
}

export function clusterScoped(r: Result): ClusterResult {
  return shaped(r, r, {
    scope: 'cluster',
    nodes: {},
    failingNodes: [],
    findings: [newOutcome(r, 1)],
  });
}

export function evaluatedNowhere(t: Result, missing: readonly NotScannedNode[]): ClusterResult {
  const unscanned = missing.filter((m) => m.roles.includes(t.role as Role)).map((m) => m.name);
  const reason =
    `no scanned node has the ${t.role} role, so this control was evaluated on no node` +
    (unscanned.length > 0 ? ` (not scanned: ${unscanned.join(', ')})` : '');
  return shaped(
    t,
    { status: 'error', actual: '', reason },
    {
      scope: 'node',
      nodes: {},
      failingNodes: [],
      findings: [{ status: 'error', actual: '', reason, count: 0, nodes: [] }],
    },
  );
}

/** "a, b, c and 4 more". */
export function nameList(list: readonly string[], total = list.length, max = 5): string {
  const shown = list.slice(0, max);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** The scanned nodes as every result's `nodes` map needs them; made once per report. */
export interface NodeIndex {
  nodes: readonly ClusterNodeInfo[];
  /** Node indices sorted by name: the order of lists. */
  order: readonly number[];
  byName: ReadonlyMap<string, number>;
  /** Node indices in the key order of a plain object given the names in `order`. */
  keyOrder: readonly number[];
}

/** A name that is an array index: a plain object lists such keys first, in numeric order. */
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isArrayIndex = (name: string): boolean =>
  ARRAY_INDEX.test(name) && Number(name) < 2 ** 32 - 1;

export function nodeIndex(nodes: readonly ClusterNodeInfo[], order: readonly number[]): NodeIndex {
  const nameOf = (i: number): string => (nodes[i] as ClusterNodeInfo).name;
  const numeric = order.filter((i) => isArrayIndex(nameOf(i)));
  numeric.sort((a, b) => Number(nameOf(a)) - Number(nameOf(b)));
  return {
    nodes,
    order,
    byName: new Map(order.map((i) => [nameOf(i), i])),
    keyOrder:
      numeric.length === 0 ? order : [...numeric, ...order.filter((i) => !isArrayIndex(nameOf(i)))],
  };
}

/**
 * A result's `nodes` map (node name -> status), read from the merger's byte per node instead of
 * held: at 100,000 nodes, 113 plain objects of 100,000 keys each were most of the merge's memory.
 * It reads, lists its keys and serialises as the plain object it stands for would (keys in the
 * same order; a node named `__proto__` a key like any other), and refuses changes.
 */
function statusMap(
  c: ControlAgg,
  ix: NodeIndex,
  nodeMaps: 'all' | 'failing',
): Record<string, Status> {
  const statusOf = (i: number | undefined): Status | undefined => {
    const code = i === undefined ? 0 : (c.codes[i] ?? 0);
    if (code === 0) return undefined;
    const s = (c.outcomes[code - 1] as Outcome).status;
    return nodeMaps === 'all' || FAILING(s) ? s : undefined;
  };
  const valueOf = (key: string | symbol): Status | undefined =>
    typeof key === 'string' ? statusOf(ix.byName.get(key)) : undefined;
  const keys = (): string[] =>
    ix.keyOrder
      .filter((i) => statusOf(i) !== undefined)
      .map((i) => (ix.nodes[i] as ClusterNodeInfo).name);
  const target = Object.create(null) as Record<string, Status>;
  // Object.freeze (tests freeze reports to prove formatters leave them alone) makes the map a
  // plain one first: a proxy whose target is closed can only answer what the target holds.
  let plain = false;
  return new Proxy(target, {
    get: (t, key) => (plain ? t[key as string] : valueOf(key)),
    has: (t, key) => (plain ? key in t : valueOf(key) !== undefined),
    ownKeys: (t) => (plain ? Reflect.ownKeys(t) : keys()),
    getOwnPropertyDescriptor: (t, key) => {
      if (plain) return Reflect.getOwnPropertyDescriptor(t, key);
      const value = valueOf(key);
      return value === undefined
        ? undefined
        : { value, writable: false, enumerable: true, configurable: true };
    },
    preventExtensions: (t) => {
      if (!plain) for (const k of keys()) t[k] = valueOf(k) as Status;
      plain = true;
      return Reflect.preventExtensions(t);
    },
    defineProperty: (t, key, d) => plain && Reflect.defineProperty(t, key, d),
    set: () => false,
    deleteProperty: () => false,
    setPrototypeOf: () => false,
  });
}

export function nodeScoped(
  c: ControlAgg,
  ix: NodeIndex,
  nodeMaps: 'all' | 'failing',
): ClusterResult {
  const lists: string[][] = c.outcomes.map(() => []);
  const failing: string[] = [];
  for (const i of ix.order) {
    const code = c.codes[i] ?? 0;
    if (code === 0) continue;
    const o = c.outcomes[code - 1] as Outcome;
    const name = (ix.nodes[i] as ClusterNodeInfo).name;
    if (FAILING(o.status)) failing.push(name);
    if (nodeMaps === 'all' || FAILING(o.status)) (lists[code - 1] as string[]).push(name);
  }
  const map = statusMap(c, ix, nodeMaps);
  const findings: ClusterFinding[] = c.outcomes
    .map((o, i) => ({ o, nodes: lists[i] as string[] }))
    .filter(({ o }) => o.count > 0)
    .sort((a, b) => STATUS_ORDER[a.o.status] - STATUS_ORDER[b.o.status] || b.o.count - a.o.count)
    .map(({ o, nodes: list }) => ({
      status: o.status,
      actual: o.actual,
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.waiver !== undefined ? { waiver: o.waiver } : {}),
      ...(o.found !== undefined ? { found: o.found } : {}),
      count: o.count,
      ...(nodeMaps === 'all' || FAILING(o.status) ? { nodes: list } : {}),
    }));
  const statuses = new Set(findings.map((f) => f.status));
  const status: ClusterStatus =
    statuses.size === 1 ? (findings[0] as ClusterFinding).status : 'mixed';
  const one = findings.length === 1 ? findings[0] : undefined;
  const failingFindings = findings.filter((f) => FAILING(f.status));
  const waived =
    failingFindings.length > 0 && failingFindings.every((f) => f.waiver !== undefined)
      ? failingFindings[0]?.waiver
      : undefined;
  const describe = (f: ClusterFinding): string =>
    f.nodes !== undefined ? nameList(f.nodes, f.count) : `${f.count} nodes`;
  const actual =
    one !== undefined
      ? one.actual
      : findings
          .map((f) => `${describe(f)}: ${f.actual === '' ? '(nothing)' : f.actual}`)
          .join('\n');
  const reason =
    one !== undefined
      ? one.reason
      : status === 'mixed'
        ? `differs across nodes: ${findings.map((f) => `${f.status} on ${describe(f)}`).join('; ')}`
        : undefined;
  return shaped(
    c.template,
    { status, actual, reason, waiver: waived, found: one?.found },
    { scope: 'node', nodes: map, failingNodes: failing, findings },
  );
}
