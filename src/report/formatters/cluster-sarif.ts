import { clusterVerdict } from '../cluster-summary.js';
import type { ClusterFinding, ClusterReport, ClusterResult } from '../types.js';
import { jsonChunks, jsonSequence } from './json-chunks.js';
import { sortedResults } from '../order.js';
import { level, rule, sarifLog, suppressions } from './sarif-log.js';

const failing = (f: ClusterFinding): boolean => f.status === 'fail' || f.status === 'error';

function location(kind: 'node' | 'cluster', name: string): Record<string, unknown>[] {
  return [
    { logicalLocations: [{ name, fullyQualifiedName: `${kind}/${name}`, kind: 'resource' }] },
  ];
}

/**
 * One SARIF result per failing node of a control (one for the cluster when it is cluster-scoped),
 * made as it is written: a fleet with a failure on most nodes has millions of them.
 */
function* results(
  report: ClusterReport,
  r: ClusterResult,
  ruleIndex: number,
): Generator<Record<string, unknown>, void, undefined> {
  for (const f of r.findings.filter(failing)) {
    const targets: { kind: 'node' | 'cluster'; name: string }[] =
      r.scope === 'cluster'
        ? [{ kind: 'cluster', name: report.cluster.name }]
        : (f.nodes ?? []).map((name) => ({ kind: 'node', name }));
    for (const t of targets) {
      const on = `${t.kind} ${t.name}`;
      const text =
        f.status === 'error'
          ? `${r.id} could not be evaluated on ${on}: ${f.reason ?? f.actual}`
          : `${r.id} failed on ${on}: found ${f.actual}; expected ${r.expected}`;
      yield {
        ruleId: r.id,
        ruleIndex,
        kind: 'fail',
        level: level(r),
        message: { text },
        locations: location(t.kind, t.name),
        partialFingerprints: { 'rkecisNodeControl/v1': `${t.name}/${r.id}` },
        properties: {
          status: f.status,
          clusterStatus: r.status,
          scored: r.scored,
          actual: f.actual,
          expected: r.expected,
        },
        ...(f.waiver !== undefined ? { suppressions: suppressions(f.waiver) } : {}),
      };
    }
  }
}

/**
 * SARIF 2.1.0 for a cluster: the node report's rules, and one result per node on which a control
 * fails or could not be evaluated, located at that node (cluster-scoped controls at the
 * cluster). Nodes that were not scanned are tool notifications, and make the run unsuccessful.
 * In pieces, and its results made as they are written.
 */
export function* clusterSarif(report: ClusterReport): Generator<string, void, undefined> {
  const sorted = sortedResults(report.results);
  const index = new Map(sorted.map((r, i) => [r.id, i]));
  const missed = report.coverage.notScanned;
  const log = sarifLog(report, {
    rules: sorted.map((r) => rule(report, r)),
    successful: missed.length === 0,
    ...(missed.length > 0
      ? {
          invocation: {
            toolExecutionNotifications: jsonSequence(function* notifications() {
              for (const n of missed)
                yield {
                  level: 'error',
                  message: { text: `node ${n.name} was not scanned: ${n.reason}` },
                  locations: location('node', n.name),
                };
            }),
          },
        }
      : {}),
    automationId: `rkecis/${report.profile.name}/cluster/${report.cluster.name}/`,
    results: jsonSequence(function* all() {
      for (const r of sorted) yield* results(report, r, index.get(r.id) ?? -1);
    }),
    properties: {
      profile: report.profile.name,
      benchmark: report.profile.benchmark,
      ...(report.profile.choice !== undefined ? { profileChoice: report.profile.choice } : {}),
      cluster: report.cluster.name,
      nodes: report.nodes.map((n) => n.name),
      coverage: {
        expected: report.coverage.expected,
        scanned: report.coverage.scanned,
        complete: report.coverage.complete,
        notScanned: missed.map((n) => n.name),
      },
      compliant: clusterVerdict(report).compliant,
      summary: report.summary,
    },
  });
  // The log is JSON.stringify(log, null, 2) and a newline, written as it is made (json-chunks.ts).
  yield* jsonChunks(log);
  yield '\n';
}
