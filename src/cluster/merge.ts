import { evaluate, profileInfo } from '../engine/evaluate.js';
import { EVIDENCE_API_VERSION, EVIDENCE_KIND, ROLES, type Role } from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import { clusterSummary } from '../report/cluster-summary.js';
import { compareIds } from '../report/formatters/order.js';
import type {
  ClusterFinding,
  ClusterNodeInfo,
  ClusterReport,
  ClusterResult,
  ClusterStatus,
  Coverage,
  NodeReport,
  NotScannedNode,
  ProfileInfo,
  Result,
  Status,
  WaiverEntry,
  WaiversInfo,
} from '../report/types.js';

/**
 * Merging node reports into one cluster report, one node at a time.
 *
 * Memory: the merger keeps no node report. Per control it keeps the distinct outcomes seen
 * (status, actual, reason, waiver: at most MAX_OUTCOMES of them, further distinct values fold
 * into one outcome per status), and one byte per node saying which outcome that node had: the
 * per-node status map the JSON contract requires, in its most compact form (100,000 nodes x
 * 113 controls is 11 MB). Per node it keeps the name, roles and counts. So memory grows with
 * controls x distinct outcomes, plus one byte per node and control.
 *
 * `finish({ nodeMaps: 'failing' })` leaves passing nodes out of each result's `nodes` map and
 * findings (the counts stay complete): for very large fleets, the report then grows with the
 * failures, not with nodes x controls.
 */
export interface ClusterMerger {
  /** Adds one node's report (evaluated with any waivers applied). Results of cluster-scoped controls are taken from addCluster when it is called. */
  add(report: NodeReport, source?: string): void;
  /**
   * The cluster-scoped controls (role `cluster`: 1.6.x, 1.7.x), evaluated once: a report whose
   * results are those controls. Without it, each cluster-scoped control is taken from the first
   * node report that has it.
   */
  addCluster(report: NodeReport, source: string): void;
  /** A node that could not be scanned (unreachable, login refused, unreadable bundle). */
  notScanned(node: NotScannedNode): void;
  /** Node reports added so far. */
  readonly nodeCount: number;
  finish(options: FinishOptions): ClusterReport;
}

export interface ClusterMergerOptions {
  /**
   * The profile the nodes were evaluated with: results come in its order, and a control that no
   * scanned node evaluated (no node has its role) is reported as an error rather than left out.
   */
  profile?: Profile;
}

export interface ExpectedNode {
  name: string;
  roles: Role[];
  source?: string;
}

export interface FinishOptions {
  cluster: { name: string; source: string };
  /** The nodes the cluster has (cluster.yml). Without it, the nodes added or reported not scanned. */
  expected?: { from: string; nodes: ExpectedNode[] };
  /** Default `all`. */
  nodeMaps?: 'all' | 'failing';
  rkecisVersion?: string;
  generatedAt?: string;
}

/** Distinct outcomes kept per control; one byte per node indexes them (0: not evaluated there). */
export const MAX_OUTCOMES = 248;
const OVERFLOW_ACTUAL =
  '(one of more distinct values than the cluster report keeps; see this node in its own report)';

interface Outcome {
  status: Status;
  actual: string;
  reason?: string;
  waiver?: Result['waiver'];
  /** The first such node's found data: the same text comes of the same data. */
  found?: Result['found'];
  count: number;
}

interface ControlAgg {
  template: Result;
  outcomes: Outcome[];
  byKey: Map<string, number>;
  overflow: Partial<Record<Status, number>>;
  codes: Uint8Array;
}

/** Outcomes compared field by field before a key is built (see outcomeOf); far below MAX_OUTCOMES. */
const SCAN = 4;

const FAILING = (s: Status): boolean => s === 'fail' || s === 'error';
const STATUS_ORDER: Record<Status, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  manual: 3,
  'not-applicable': 4,
};

export function createClusterMerger(options: ClusterMergerOptions = {}): ClusterMerger {
  const controls = new Map<string, ControlAgg>();
  const clusterControls = new Map<string, { result: Result; source: string }>();
  let explicitCluster = false;
  const nodes: ClusterNodeInfo[] = [];
  const names = new Set<string>();
  const missing: NotScannedNode[] = [];
  let profile: ProfileInfo | undefined =
    options.profile !== undefined ? profileInfo(options.profile) : undefined;
  let capacity = 16;
  let kubernetesVersion: string | undefined;
  const waivers = {
    file: undefined as string | undefined,
    applied: new Map<string, WaiverEntry>(),
    expired: new Map<string, WaiverEntry>(),
    inForce: new Map<string, WaiverEntry>(),
  };

  const grow = (need: number): void => {
    if (need < capacity) return;
    while (capacity <= need) capacity *= 2;
    for (const c of controls.values()) {
      const bigger = new Uint8Array(capacity);
      bigger.set(c.codes);
      c.codes = bigger;
    }
  };

  const noteWaivers = (w: WaiversInfo | undefined): void => {
    if (w === undefined) return;
    waivers.file ??= w.file;
    for (const e of w.applied) {
      waivers.applied.set(e.source, stripReason(e));
      waivers.inForce.set(e.source, stripReason(e));
    }
    for (const e of w.unused) waivers.inForce.set(e.source, stripReason(e));
    for (const e of w.expired) waivers.expired.set(e.source, e);
  };

  const outcomeOf = (c: ControlAgg, r: Result): number => {
    // Most nodes repeat one of a control's first few outcomes: comparing the fields finds it
    // without building and hashing a key (the longest part of add() at 100,000 nodes). A match
    // here has the same key; anything else, overflow included, is left to the key below.
    const scan = Math.min(c.outcomes.length, SCAN);
    for (let i = 0; i < scan; i++) {
      const o = c.outcomes[i] as Outcome;
      if (
        o.status === r.status &&
        o.actual === r.actual &&
        o.reason === r.reason &&
        o.waiver?.source === r.waiver?.source
      )
        return i;
    }
    const key = `${r.status}\0${r.actual}\0${r.reason ?? ''}\0${r.waiver?.source ?? ''}`;
    const known = c.byKey.get(key);
    if (known !== undefined) return known;
    if (c.byKey.size < MAX_OUTCOMES) {
      const i = c.outcomes.length;
      c.outcomes.push({
        status: r.status,
        actual: r.actual,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        ...(r.waiver !== undefined ? { waiver: r.waiver } : {}),
        ...(r.found !== undefined ? { found: r.found } : {}),
        count: 0,
      });
      c.byKey.set(key, i);
      return i;
    }
    let o = c.overflow[r.status];
    if (o === undefined) {
      o = c.outcomes.length;
      c.outcomes.push({ status: r.status, actual: OVERFLOW_ACTUAL, count: 0 });
      c.overflow[r.status] = o;
    }
    return o;
  };

  return {
    get nodeCount() {
      return nodes.length;
    },

    add(report, source) {
      const name = report.node.name;
      if (names.has(name)) throw new Error(`node ${name} was added twice to the cluster report`);
      names.add(name);
      profile ??= report.profile;
      const index = nodes.length;
      grow(index);
      nodes.push({
        name,
        ...(source !== undefined ? { source } : {}),
        ...(report.node.hostname !== undefined ? { hostname: report.node.hostname } : {}),
        roles: report.node.roles,
        rolesSource: report.node.rolesSource,
        ...(report.node.rolesReason !== undefined ? { rolesReason: report.node.rolesReason } : {}),
        ...(report.node.kubernetesVersion !== undefined
          ? { kubernetesVersion: report.node.kubernetesVersion }
          : {}),
        ...(report.node.collectedAt !== undefined ? { collectedAt: report.node.collectedAt } : {}),
        summary: report.summary,
      });
      kubernetesVersion ??= report.node.kubernetesVersion;
      noteWaivers(report.waivers);
      for (const r of report.results) {
        if (r.role === 'cluster') {
          if (!explicitCluster && !clusterControls.has(r.id))
            clusterControls.set(r.id, { result: r, source: name });
          continue;
        }
        let c = controls.get(r.id);
        if (c === undefined) {
          c = {
            template: r,
            outcomes: [],
            byKey: new Map(),
            overflow: {},
            codes: new Uint8Array(capacity),
          };
          controls.set(r.id, c);
        }
        const o = outcomeOf(c, r);
        (c.outcomes[o] as Outcome).count++;
        c.codes[index] = o + 1;
      }
    },

    addCluster(report, source) {
      if (!explicitCluster) clusterControls.clear();
      explicitCluster = true;
      profile ??= report.profile;
      kubernetesVersion = report.node.kubernetesVersion ?? kubernetesVersion;
      noteWaivers(report.waivers);
      for (const r of report.results) clusterControls.set(r.id, { result: r, source });
    },

    notScanned(node) {
      missing.push(node);
    },

    finish(opts) {
      const nodeMaps = opts.nodeMaps ?? 'all';
      const order = nodes.map((_, i) => i).sort((a, b) => byName(nodes[a]?.name, nodes[b]?.name));
      const results: ClusterResult[] = [];
      const seen = new Set<string>();
      const templates = options.profile !== undefined ? templatesOf(options.profile) : undefined;
      const ids =
        options.profile !== undefined
          ? options.profile.controls.map((c) => c.id)
          : [...new Set([...controls.keys(), ...clusterControls.keys()])].sort(compareIds);
      const clusterSources = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const c = controls.get(id);
        const once = clusterControls.get(id);
        if (once !== undefined) {
          clusterSources.add(once.source);
          results.push(clusterScoped(once.result));
        } else if (c !== undefined) {
          results.push(nodeScoped(c, order, nodes, nodeMaps));
        } else {
          const t = templates?.get(id);
          if (t !== undefined) results.push(evaluatedNowhere(t, missing));
        }
      }
      const w = waivers.file;
      const scannedNames = order.map((i) => (nodes[i] as ClusterNodeInfo).name);
      return {
        kind: 'cluster',
        ...(opts.rkecisVersion !== undefined ? { rkecisVersion: opts.rkecisVersion } : {}),
        ...(opts.generatedAt !== undefined ? { generatedAt: opts.generatedAt } : {}),
        profile: profile ?? { name: 'unknown', title: 'unknown', benchmark: '', kubernetes: '' },
        cluster: {
          name: opts.cluster.name,
          source: opts.cluster.source,
          ...(clusterSources.size > 0 ? { clusterEvidence: [...clusterSources].join(', ') } : {}),
          ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
        },
        coverage: coverage(scannedNames, nodes, missing, opts.expected),
        nodes: order.map((i) => nodes[i] as ClusterNodeInfo),
        nodeMaps,
        summary: clusterSummary(results),
        results,
        ...(w !== undefined
          ? {
              waivers: {
                file: w,
                applied: [...waivers.applied.values()],
                expired: [...waivers.expired.values()],
                unused: [...waivers.inForce.values()]
                  .filter((e) => !waivers.applied.has(e.source))
                  .map((e) => ({ ...e, reason: 'covered no failure on any scanned node' })),
              },
            }
          : {}),
      };
    },
  };
}

const byName = (a: string | undefined, b: string | undefined): number =>
  (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;

function stripReason(e: WaiverEntry): WaiverEntry {
  const rest = { ...e };
  delete rest.reason;
  return rest;
}

/** Each control's static fields (title, audit, remediation...), from evaluating no evidence. */
function templatesOf(profile: Profile): Map<string, Result> {
  const empty = evaluate(profile, {
    apiVersion: EVIDENCE_API_VERSION,
    kind: EVIDENCE_KIND,
    node: { name: 'template' },
    roles: { detected: [...ROLES], source: 'declared' },
    containers: {},
    files: {},
  });
  return new Map(empty.results.map((r) => [r.id, r]));
}

/**
 * A cluster result in the node result's field order (id, title, ..., status, actual, expected,
 * audit, remediation, ...), with the cluster's own status, value, reason and waiver.
 */
function shaped(
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

function clusterScoped(r: Result): ClusterResult {
  return shaped(r, r, {
    scope: 'cluster',
    nodes: {},
    failingNodes: [],
    findings: [
      {
        status: r.status,
        actual: r.actual,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        ...(r.waiver !== undefined ? { waiver: r.waiver } : {}),
        ...(r.found !== undefined ? { found: r.found } : {}),
        count: 1,
      },
    ],
  });
}

function evaluatedNowhere(t: Result, missing: readonly NotScannedNode[]): ClusterResult {
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

function nodeScoped(
  c: ControlAgg,
  order: readonly number[],
  nodes: readonly ClusterNodeInfo[],
  nodeMaps: 'all' | 'failing',
): ClusterResult {
  const lists: string[][] = c.outcomes.map(() => []);
  // Node names are user data: a node named `__proto__` is a key like any other.
  const map = Object.create(null) as Record<string, Status>;
  const failing: string[] = [];
  for (const i of order) {
    const code = c.codes[i] ?? 0;
    if (code === 0) continue;
    const o = c.outcomes[code - 1] as Outcome;
    const name = (nodes[i] as ClusterNodeInfo).name;
    if (FAILING(o.status)) failing.push(name);
    if (nodeMaps === 'all' || FAILING(o.status)) {
      map[name] = o.status;
      (lists[code - 1] as string[]).push(name);
    }
  }
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

function coverage(
  scanned: readonly string[],
  nodes: readonly ClusterNodeInfo[],
  missing: readonly NotScannedNode[],
  expected: FinishOptions['expected'],
): Coverage {
  const scannedSet = new Set(scanned);
  if (expected === undefined) {
    const all: ExpectedNode[] = [
      ...nodes.map((n) => ({ name: n.name, roles: n.roles })),
      ...missing.map((m) => ({ name: m.name, roles: m.roles })),
    ];
    return {
      expectedFrom: 'the nodes found',
      expected: all.length,
      scanned: scanned.length,
      complete: missing.length === 0,
      byRole: byRole(all, scannedSet),
      notScanned: [...missing].sort((a, b) => byName(a.name, b.name)),
      unexpected: [],
    };
  }
  const want = new Set(expected.nodes.map((n) => n.name));
  const reported = new Set(missing.map((m) => m.name));
  const notScanned: NotScannedNode[] = [
    ...missing,
    ...expected.nodes
      .filter((n) => !scannedSet.has(n.name) && !reported.has(n.name))
      .map((n) => ({
        name: n.name,
        roles: n.roles,
        ...(n.source !== undefined ? { source: n.source } : {}),
        reason: 'no evidence for this node was found',
      })),
  ].sort((a, b) => byName(a.name, b.name));
  return {
    expectedFrom: expected.from,
    expected: expected.nodes.length,
    scanned: expected.nodes.filter((n) => scannedSet.has(n.name)).length,
    complete: notScanned.length === 0,
    byRole: byRole(expected.nodes, scannedSet),
    notScanned,
    unexpected: scanned.filter((n) => !want.has(n)),
  };
}

function byRole(all: readonly ExpectedNode[], scanned: ReadonlySet<string>): Coverage['byRole'] {
  return ROLES.map((role) => {
    const having = all.filter((n) => n.roles.includes(role));
    return {
      role,
      expected: having.length,
      scanned: having.filter((n) => scanned.has(n.name)).length,
    };
  });
}

export { clusterNotCompliant, clusterSummary } from '../report/cluster-summary.js';
