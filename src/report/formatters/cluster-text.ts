import { clusterVerdict } from '../cluster-summary.js';
import type { ClusterFinding, ClusterReport, ClusterResult, ClusterStatus } from '../types.js';
import { plain, type Paint } from './colors.js';
import { coverageLine, findingNodes, paintAs } from './cluster-labels.js';
import { waiverDetail } from './labels.js';
import { sectionTitle, sortedResults } from './order.js';
import { eachLine } from './rendered.js';
import type { TextOptions } from './text.js';
import { visible } from './visible.js';

const LABEL: Record<ClusterStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  'not-applicable': 'N/A',
  manual: 'MANUAL',
  mixed: 'MIXED',
};

const oneLine = (t: string): string => t.trim().replace(/\s*\n\s*/g, ' ');

const indent = (text: string, pad: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? '' : pad + l))
    .join('\n');

const failing = (f: ClusterFinding): boolean => f.status === 'fail' || f.status === 'error';

function where(r: ClusterResult): string {
  if (r.scope === 'cluster') return 'cluster';
  const n = r.findings.reduce((sum, f) => sum + f.count, 0);
  return `${n} ${n === 1 ? 'node' : 'nodes'}`;
}

function findingLines(r: ClusterResult, f: ClusterFinding, p: Paint, verbose: boolean): string[] {
  const on = r.scope === 'cluster' ? '' : ` on ${visible(findingNodes(f))}`;
  const head = `         ${p.status(f.status, f.status)}${on}`;
  const detail = verbose || failing(f);
  const lines: string[] = [];
  if (f.status === 'error' && f.reason !== undefined) lines.push(`${head}: ${visible(f.reason)}`);
  else if (detail) lines.push(`${head}: ${visible(f.actual === '' ? '(nothing)' : f.actual)}`);
  else lines.push(head);
  if (f.waiver !== undefined) {
    lines.push(`           waived: ${oneLine(f.waiver.justification)}`);
    lines.push(p.dim(`                   (${waiverDetail(f.waiver)})`));
  }
  return lines;
}

function resultLines(r: ClusterResult, p: Paint, verbose: boolean): string[] {
  const label = r.waiver !== undefined ? `${LABEL[r.status]} (waived)` : LABEL[r.status];
  const tag = p.status(paintAs(r.status), `[${label}]`.padEnd(8));
  const lines = [`${tag} ${r.id} ${r.title} (${r.scored ? 'Scored' : 'Not Scored'}) [${where(r)}]`];
  const bad = r.findings.some(failing);
  const detail = verbose || bad || r.status === 'mixed';
  if (detail) {
    for (const f of r.findings) lines.push(...findingLines(r, f, p, verbose));
    lines.push(`         expected: ${r.expected}`);
  }
  if (bad) lines.push(p.dim(`         remediation:\n${indent(r.remediation, '           ')}`));
  if ((r.status === 'not-applicable' || r.status === 'manual') && verbose && r.reason !== undefined)
    lines.push(p.dim(indent(r.reason, '         ')));
  return lines;
}

/** The lines of the terminal report, one at a time: the node list alone is a line per node. */
function* textLines(
  report: ClusterReport,
  options: TextOptions,
): Generator<string, void, undefined> {
  const p = options.paint ?? plain;
  const verbose = options.verbose === true;
  yield p.bold(
    `${report.profile.title} (${report.profile.benchmark}, Kubernetes ${report.profile.kubernetes})`,
  );
  yield `Cluster: ${visible(report.cluster.name)} (${visible(report.cluster.source)})`;
  if (report.plan !== undefined) yield `Plan: ${visible(report.plan)}`;
  yield `Coverage: ${coverageLine(report)}`;
  for (const n of report.coverage.notScanned) {
    yield `  ${p.status('error', 'NOT SCANNED')} ${visible(n.name)}${n.source !== undefined ? ` (${visible(n.source)})` : ''}${n.roles.length > 0 ? ` [${n.roles.join(', ')}]` : ''}: ${visible(n.reason)}`;
  }
  if (report.coverage.unexpected.length > 0)
    yield `  not in ${report.coverage.expectedFrom}: ${visible(report.coverage.unexpected.join(', '))}`;
  yield 'Nodes:';
  // A loop, not Math.max(...names): a spread of 100,000 arguments can overflow the stack.
  let longest = 4;
  for (const n of report.nodes) longest = Math.max(longest, n.name.length);
  const width = Math.min(40, longest);
  for (const n of report.nodes) {
    const s = n.summary;
    yield `  ${visible(n.name).padEnd(width)}  ${n.roles.join(', ') || 'no role'}: ${s.pass} pass, ${s.fail} fail, ${s.error} error`;
  }
  if (report.cluster.clusterEvidence !== undefined)
    yield p.dim(`Cluster-scoped controls evaluated once, from ${report.cluster.clusterEvidence}`);
  if (report.nodeMaps === 'failing')
    yield p.dim('Passing nodes are counted, not named (node maps of failing nodes only).');
  let section = '';
  for (const r of sortedResults(report.results)) {
    if (r.section !== section) {
      section = r.section;
      yield '';
      yield p.bold(sectionTitle(report, section));
    }
    yield* resultLines(r, p, verbose);
  }
  const s = report.summary;
  const rate = s.scoredPassRate === null ? 'n/a' : `${(s.scoredPassRate * 100).toFixed(1)}%`;
  const verdict = clusterVerdict(report);
  yield '';
  yield p.bold('Summary');
  yield `  ${s.total} controls: ${p.status('pass', `${s.pass} pass`)}, ${p.status('fail', `${s.fail} fail`)}, ${p.status('fail', `${s.mixed} mixed`)}, ${p.status('error', `${s.error} error`)}, ${p.status('not-applicable', `${s['not-applicable']} not applicable`)}, ${p.status('manual', `${s.manual} manual`)}`;
  yield `  scored: ${s.scored.pass}/${s.scored.total} pass on every node, ${s.scored.fail} fail, ${s.scored.mixed} mixed, ${s.scored.error} error; scored pass rate ${rate}`;
  yield `  result: ${p.status(verdict.compliant ? 'pass' : 'fail', verdict.label)}`;
  const w = report.waivers;
  if (w !== undefined) {
    yield '';
    yield p.bold('Waivers');
    yield `  ${w.file}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused`;
    for (const e of w.expired) yield `    expired, not applied: ${e.control} (${e.source})`;
    for (const e of w.unused) yield `    unused: ${e.control} (${e.source})`;
  }
}

/** The terminal report of a cluster: coverage, the nodes, each control with how the nodes differ, a summary. */
export const clusterText = (
  report: ClusterReport,
  options: TextOptions = {},
): Generator<string, void, undefined> => eachLine(textLines(report, options));
