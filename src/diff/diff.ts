import { compareIds } from '../report/order.js';
import { diffControls, profileMismatch } from './controls.js';
import { diffEvidence } from './evidence.js';
import type {
  ChangeKind,
  ControlChange,
  DiffNode,
  DiffSide,
  EvidenceChange,
  NodePair,
  ScanDiff,
} from './types.js';

const ORDER: Record<ChangeKind, number> = {
  'new-failure': 0,
  'no-longer-evaluated': 1,
  fixed: 2,
  changed: 3,
};

/**
 * Which node of a is compared with which node of b: by name; but two single-node sides are
 * compared with each other whatever their names (two scans of different nodes).
 */
function pairNodes(
  a: DiffNode[],
  b: DiffNode[],
): { pairs: [DiffNode, DiffNode][]; added: string[]; gone: string[] } {
  const [onlyA] = a;
  const [onlyB] = b;
  if (a.length === 1 && b.length === 1 && onlyA !== undefined && onlyB !== undefined) {
    return { pairs: [[onlyA, onlyB]], added: [], gone: [] };
  }
  const byName = new Map(b.map((n) => [n.report.node.name, n]));
  const names = new Set(a.map((n) => n.report.node.name));
  const pairs: [DiffNode, DiffNode][] = [];
  for (const n of a) {
    const m = byName.get(n.report.node.name);
    if (m !== undefined) pairs.push([n, m]);
  }
  return {
    pairs,
    added: b
      .map((n) => n.report.node.name)
      .filter((x) => !names.has(x))
      .sort(),
    gone: a
      .map((n) => n.report.node.name)
      .filter((x) => !byName.has(x))
      .sort(),
  };
}

/** Diffs two scans: control status changes (new failures first), evidence changes, nodes added or gone. */
export function diffScans(a: DiffSide, b: DiffSide): ScanDiff {
  const { pairs, added, gone } = pairNodes(a.nodes, b.nodes);
  const controls: ControlChange[] = [];
  const evidence: EvidenceChange[] = [];
  const nodePairs: NodePair[] = [];
  for (const [x, y] of pairs) {
    controls.push(...diffControls(x.report, y.report));
    const compared = x.evidence !== undefined && y.evidence !== undefined;
    if (x.evidence !== undefined && y.evidence !== undefined) {
      evidence.push(...diffEvidence(x.evidence, y.evidence, y.report.node.name));
    }
    const profiles = profileMismatch(x.report, y.report);
    nodePairs.push({
      a: x.report.node.name,
      b: y.report.node.name,
      evidenceCompared: compared,
      ...(profiles !== undefined ? { profiles } : {}),
    });
  }
  controls.sort(
    (p, q) =>
      ORDER[p.kind] - ORDER[q.kind] || p.node.localeCompare(q.node) || compareIds(p.id, q.id),
  );
  const side = (s: DiffSide): ScanDiff['a'] => ({
    label: s.label,
    ...(s.scannedAt !== undefined ? { scannedAt: s.scannedAt } : {}),
    nodes: s.nodes.map((n) => n.report.node.name),
  });
  return {
    a: side(a),
    b: side(b),
    pairs: nodePairs,
    nodesAdded: added,
    nodesGone: gone,
    controls,
    evidence,
    summary: {
      newFailures: controls.filter((c) => c.kind === 'new-failure').length,
      noLongerEvaluated: controls.filter((c) => c.kind === 'no-longer-evaluated').length,
      fixed: controls.filter((c) => c.kind === 'fixed').length,
      changed: controls.filter((c) => c.kind === 'changed').length,
      evidenceChanges: evidence.length,
      ...(nodePairs.some((p) => p.profiles !== undefined)
        ? {
            notCompared: nodePairs.reduce((n, p) => n + (p.profiles?.notCompared.length ?? 0), 0),
          }
        : {}),
    },
  };
}

/**
 * --fail-on-new: whether any control newly fails (or newly errs), or was judged in a (pass,
 * fail or error) and is not evaluated at all in b, or not comparable in b (another profile). b
 * cannot vouch for such a control: its failure may still be there, or it may fail now, and a
 * gate must not pass on silence.
 */
export const hasNewFailures = (d: ScanDiff): boolean =>
  d.summary.newFailures > 0 ||
  d.pairs.some((p) => (p.profiles?.judgedInA.length ?? 0) > 0) ||
  d.controls.some(
    (c) =>
      c.kind === 'no-longer-evaluated' &&
      (c.from === 'pass' || c.from === 'fail' || c.from === 'error'),
  );
