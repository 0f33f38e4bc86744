import { notCompliant } from '../summary.js';
import type { NodeReport, Result } from '../types.js';
import { sortedResults } from '../order.js';
import { level, rule, sarifLog, suppressions } from './sarif-log.js';

export { SARIF_SCHEMA_URI } from './sarif-log.js';

function result(report: NodeReport, r: Result, ruleIndex: number): Record<string, unknown> {
  const node = report.node.name;
  const text =
    r.status === 'error'
      ? `${r.id} could not be evaluated on node ${node}: ${r.reason ?? r.actual}`
      : `${r.id} failed on node ${node}: found ${r.actual}; expected ${r.expected}`;
  const out: Record<string, unknown> = {
    ruleId: r.id,
    ruleIndex,
    kind: 'fail',
    level: level(r),
    message: { text },
    locations: [
      { logicalLocations: [{ name: node, fullyQualifiedName: `node/${node}`, kind: 'resource' }] },
    ],
    partialFingerprints: { 'rkecisNodeControl/v1': `${node}/${r.id}` },
    properties: { status: r.status, scored: r.scored, actual: r.actual, expected: r.expected },
  };
  if (r.waiver !== undefined) out.suppressions = suppressions(r.waiver);
  return out;
}

/**
 * SARIF 2.1.0: one rule per control of the report, with its help text; one result per failed
 * control or control that could not be evaluated. Rules and results are sorted by control id.
 */
export function sarif(report: NodeReport): string {
  const results = sortedResults(report.results);
  const index = new Map(results.map((r, i) => [r.id, i]));
  const { name, roles } = report.node;
  const log = sarifLog(report, {
    rules: results.map((r) => rule(report, r)),
    successful: true,
    automationId: `rkecis/${report.profile.name}/${name}/`,
    results: results
      .filter((r) => r.status === 'fail' || r.status === 'error')
      .map((r) => result(report, r, index.get(r.id) ?? -1)),
    properties: {
      profile: report.profile.name,
      benchmark: report.profile.benchmark,
      ...(report.profile.choice !== undefined ? { profileChoice: report.profile.choice } : {}),
      node: name,
      roles,
      compliant: !notCompliant(report.results),
      summary: report.summary,
    },
  });
  return `${JSON.stringify(log, null, 2)}\n`;
}
