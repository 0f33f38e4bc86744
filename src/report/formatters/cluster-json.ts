import type { ClusterReport } from '../types.js';
import { jsonChunks } from './json-chunks.js';

/**
 * The cluster report's JSON: the node report's field names (profile, summary, results with id,
 * title, status, actual, expected, audit, remediation, reason...), plus `kind: "cluster"`,
 * `cluster`, `coverage`, `nodes`, and per result `nodes: {<node name>: <status>}`. Exactly
 * `JSON.stringify(report, null, 2)` and a newline, in pieces: at 100,000 nodes it is hundreds of
 * megabytes.
 */
export function* clusterJson(report: ClusterReport): Generator<string, void, undefined> {
  yield* jsonChunks(report);
  yield '\n';
}
