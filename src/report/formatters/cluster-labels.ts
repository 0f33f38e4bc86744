import type { ClusterFinding, ClusterReport, ClusterStatus, Status } from '../types.js';
import { RESULT_LABEL } from './labels.js';

/** Result words for a cluster: the node words plus Mixed. */
export const CLUSTER_RESULT_LABEL: Record<ClusterStatus, string> = {
  ...RESULT_LABEL,
  mixed: 'Mixed',
};

/** Statuses in the order summaries list them. */
export const CLUSTER_STATUS_ORDER: readonly ClusterStatus[] = [
  'pass',
  'fail',
  'mixed',
  'error',
  'not-applicable',
  'manual',
];

/** The colour a cluster status is painted with: mixed is a warning, drawn like a failure. */
export const paintAs = (s: ClusterStatus): Status => (s === 'mixed' ? 'fail' : s);

/** "a, b and 3 more": a finding's nodes, as many as `max`. */
export function findingNodes(f: ClusterFinding, max = 8): string {
  const list = f.nodes ?? [];
  const shown = list.slice(0, max);
  const more = f.count - shown.length;
  if (shown.length === 0) return `${f.count} ${f.count === 1 ? 'node' : 'nodes'}`;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** "3 of 4 nodes scanned (from cluster.yml): controlplane 1/1, etcd 1/1, worker 2/3". */
export function coverageLine(report: ClusterReport): string {
  const c = report.coverage;
  const roles = c.byRole
    .filter((r) => r.expected > 0)
    .map((r) => `${r.role} ${r.scanned}/${r.expected}`)
    .join(', ');
  return `${c.scanned} of ${c.expected} nodes scanned (expected from ${c.expectedFrom})${roles !== '' ? `: ${roles}` : ''}`;
}
