import { evaluate, profileInfo } from '../engine/evaluate.js';
import { EVIDENCE_API_VERSION, EVIDENCE_KIND, ROLES } from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import { clusterSummary } from '../report/cluster-summary.js';
import { compareIds } from '../report/order.js';
import type {
  ClusterNodeInfo,
  ClusterReport,
  ClusterResult,
  NodeReport,
  NotScannedNode,
  ProfileInfo,
  Result,
  WaiverEntry,
  WaiversInfo,
} from '../report/types.js';
import { byName, coverage, type ExpectedNodes } from './coverage.js';
import {
  clusterScoped,
  evaluatedNowhere,
  nodeIndex,
  nodeScoped,
  newOutcome,
  type NodeIndex,
  type ControlAgg,
  type Outcome,
} from './results.js';

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

export interface FinishOptions {
  cluster: { name: string; source: string };
  /** The nodes the cluster has (cluster.yml). Without it, the nodes added or reported not scanned. */
  expected?: ExpectedNodes;
  /** Default `all`. */
  nodeMaps?: 'all' | 'failing';
  rkecisVersion?: string;
  generatedAt?: string;
}

/** Distinct outcomes kept per control; one byte per node indexes them (0: not evaluated there). */
export const MAX_OUTCOMES = 248;
const OVERFLOW_ACTUAL =
  '(one of more distinct values than the cluster report keeps; see this node in its own report)';

/** Outcomes compared field by field before a key is built (see outcomeOf); far below MAX_OUTCOMES. */
const SCAN = 4;

export function createClusterMerger(options: ClusterMergerOptions = {}): ClusterMerger {
  const controls = new Map<string, ControlAgg>();
  const clusterControls = new Map<string, { result: Result; source: string }>();
  let explicitCluster = false;
  let finished = false;
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
      c.outcomes.push(newOutcome(r, 0));
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
      // The finished report's node maps read the merger's bytes: they must not change under it.
      if (finished) throw new Error('the cluster report is finished: no node can be added to it');
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
      finished = true;
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
      let ix: NodeIndex | undefined;
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const c = controls.get(id);
        const once = clusterControls.get(id);
        if (once !== undefined) {
          clusterSources.add(once.source);
          results.push(clusterScoped(once.result));
        } else if (c !== undefined) {
          results.push(nodeScoped(c, (ix ??= nodeIndex(nodes, order)), nodeMaps));
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

export { clusterNotCompliant, clusterSummary } from '../report/cluster-summary.js';
export type { ExpectedNode, ExpectedNodes } from './coverage.js';
export { nameList } from './results.js';
