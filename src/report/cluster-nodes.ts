import { summarize } from './summary.js';
import type { ClusterFinding, ClusterReport, NodeReport, Result, Status } from './types.js';

/**
 * A cluster report taken apart into the node reports it was merged from, as far as it holds
 * them: each node's result of each control it evaluated (the finding that names the node gives
 * its returned value), and the cluster-scoped controls on each controlplane node, where a node
 * scan puts them. A node the report does not name in a control's map (a passing node, when the
 * report keeps failing nodes only) gets no result for it. For `rkecis remediate`, which reads
 * reports per node.
 */
export function nodeReportsOf(report: ClusterReport): NodeReport[] {
  const byControl = report.results.map((r) => {
    const found = new Map<string, ClusterFinding>();
    for (const f of r.findings) for (const n of f.nodes ?? []) found.set(n, f);
    return found;
  });
  return report.nodes.map((n) => {
    const results: Result[] = [];
    report.results.forEach((r, i) => {
      let f: ClusterFinding | undefined;
      if (r.scope === 'cluster') {
        if (n.roles.includes('controlplane')) f = r.findings[0];
      } else {
        const status: Status | undefined = r.nodes[n.name];
        if (status !== undefined)
          f = byControl[i]?.get(n.name) ?? r.findings.find((x) => x.status === status);
      }
      if (f === undefined) return;
      results.push({
        id: r.id,
        title: r.title,
        section: r.section,
        scored: r.scored,
        role: r.role,
        status: f.status,
        actual: f.actual,
        expected: r.expected,
        audit: r.audit,
        remediation: r.remediation,
        guideResult: r.guideResult,
        ...(f.reason !== undefined ? { reason: f.reason } : {}),
        ...(r.notes !== undefined ? { notes: r.notes } : {}),
        ...(r.mitigation !== undefined ? { mitigation: r.mitigation } : {}),
        ...(r.erratum !== undefined ? { erratum: r.erratum } : {}),
        ...(f.found !== undefined ? { found: f.found } : {}),
        ...(f.waiver !== undefined ? { waiver: f.waiver } : {}),
      });
    });
    return {
      ...(report.rkecisVersion !== undefined ? { rkecisVersion: report.rkecisVersion } : {}),
      profile: report.profile,
      node: {
        name: n.name,
        ...(n.hostname !== undefined ? { hostname: n.hostname } : {}),
        roles: n.roles,
        rolesSource: n.rolesSource,
        ...(n.rolesReason !== undefined ? { rolesReason: n.rolesReason } : {}),
        skipped: [],
      },
      summary: summarize(results),
      results,
    };
  });
}
