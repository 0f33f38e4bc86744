import type { ClusterReport } from '../types.js';

/**
 * The cluster report's JSON: the node report's field names (profile, summary, results with id,
 * title, status, actual, expected, audit, remediation, reason...), plus `kind: "cluster"`,
 * `cluster`, `coverage`, `nodes`, and per result `nodes: {<node name>: <status>}`.
 */
export const clusterJson = (report: ClusterReport): string =>
  `${JSON.stringify(report, null, 2)}\n`;
