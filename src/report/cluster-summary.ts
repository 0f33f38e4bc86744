import {
  STATUSES,
  type ClusterReport,
  type ClusterResult,
  type ClusterSummary,
  type StatusCounts,
} from './types.js';

const FAILING = new Set(['fail', 'error']);

const zero = (): StatusCounts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;

/** Counts of overall statuses; the scored pass rate counts a mixed control as not passing. */
export function clusterSummary(results: readonly ClusterResult[]): ClusterSummary {
  const all = { ...zero(), mixed: 0 };
  const scored = { ...zero(), mixed: 0 };
  for (const r of results) {
    all[r.status]++;
    if (r.scored) scored[r.status]++;
  }
  const judged = scored.pass + scored.fail + scored.error + scored.mixed;
  const waived = results.filter((r) => r.waiver !== undefined).length;
  return {
    total: results.length,
    ...all,
    scored: { total: results.filter((r) => r.scored).length, ...scored },
    scoredPassRate: judged === 0 ? null : Math.round((scored.pass / judged) * 10000) / 10000,
    ...(waived > 0 ? { waived } : {}),
  };
}

/** A scored control fails or errs on some node without a waiver covering it there. */
export const clusterNotCompliant = (report: Pick<ClusterReport, 'results'>): boolean =>
  report.results.some(
    (r) => r.scored && r.findings.some((f) => FAILING.has(f.status) && f.waiver === undefined),
  );

/**
 * The cluster report's verdict, as documents state it: compliant needs every scored control to
 * pass (or be waived, not applicable) on every node scanned, and every node to have been scanned.
 */
export function clusterVerdict(report: Pick<ClusterReport, 'results' | 'coverage'>): {
  compliant: boolean;
  label: string;
} {
  const c = report.coverage;
  const partial = c.complete
    ? ''
    : `; coverage incomplete: ${c.scanned} of ${c.expected} nodes scanned`;
  if (clusterNotCompliant(report)) return { compliant: false, label: `Not compliant${partial}` };
  return c.complete
    ? { compliant: true, label: 'Compliant' }
    : { compliant: false, label: `Compliant on the nodes scanned${partial}` };
}
