import { clusterVerdict } from '../cluster-summary.js';
import type { ClusterFinding, ClusterReport, ClusterResult, ClusterStatus } from '../types.js';
import { plain } from './colors.js';
import { clusterPassRateText } from './cluster-document.js';
import { CLUSTER_STATUS_ORDER, findingNodes, paintAs } from './cluster-labels.js';
import { waiverDetail } from './labels.js';
import { sectionTitle, sortedResults } from '../order.js';
import { eachLine } from './rendered.js';
import { closingLines, statusTag, tagColumn, type Layout, type TextOptions } from './text.js';
import { oneLine, visible } from './visible.js';
import { DEFAULT_WIDTH, columns, field, fill, fillList, hang, paintFirst } from './wrap.js';

const LABEL: Record<ClusterStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  'not-applicable': 'N/A',
  manual: 'MANUAL',
  mixed: 'MIXED',
};

const failing = (f: ClusterFinding): boolean => f.status === 'fail' || f.status === 'error';

function where(r: ClusterResult): string {
  if (r.scope === 'cluster') return 'cluster';
  const n = r.findings.reduce((sum, f) => sum + f.count, 0);
  return `${n} ${n === 1 ? 'node' : 'nodes'}`;
}

function findingLines(r: ClusterResult, f: ClusterFinding, l: Layout): string[] {
  const { p, pad, width } = l;
  const on = r.scope === 'cluster' ? '' : ` on ${oneLine(findingNodes(f))}`;
  const detail = l.verbose || failing(f);
  const under = `${pad}  `;
  const value =
    f.status === 'error' && f.reason !== undefined
      ? `: ${visible(f.reason)}`
      : detail
        ? `: ${visible(f.actual === '' ? '(nothing)' : f.actual)}`
        : '';
  let lines = hang(`${f.status}${on}${value}`, width, pad, under);
  lines = paintFirst(lines, pad.length, f.status, (t) => p.status(f.status, t));
  if (f.waiver !== undefined) {
    lines.push(...field('waived: ', oneLine(f.waiver.justification.trim()), width, under));
    lines.push(
      ...fill(oneLine(`(${waiverDetail(f.waiver)})`), width, `${under}        `).map((x) =>
        p.dim(x),
      ),
    );
  }
  return lines;
}

function resultLines(r: ClusterResult, l: Layout): string[] {
  const { p, pad, width } = l;
  const tag = statusTag(LABEL[r.status], r.waiver !== undefined);
  const head = fill(
    oneLine(`${r.id} ${r.title} (${r.scored ? 'Scored' : 'Not Scored'}) [${where(r)}]`),
    width,
    tag.padEnd(pad.length),
    pad,
  );
  const lines = paintFirst(head, 0, tag, (t) => p.status(paintAs(r.status), t));
  const bad = r.findings.some(failing);
  const detail = l.verbose || bad || r.status === 'mixed';
  if (detail) {
    for (const f of r.findings) lines.push(...findingLines(r, f, l));
    lines.push(...field('expected: ', visible(r.expected), width, pad));
  }
  lines.push(...closingLines(r, bad, l));
  return lines;
}

/** Scored controls that fail or err on some node with no waiver there: why the verdict is what it is. */
function blockers(report: ClusterReport): string[] {
  return sortedResults(report.results)
    .filter((r) => r.scored && r.findings.some((f) => failing(f) && f.waiver === undefined))
    .map((r) => r.id);
}

/** The lines of the terminal report, one at a time: the node list alone is a line per node. */
function* textLines(
  report: ClusterReport,
  options: TextOptions,
): Generator<string, void, undefined> {
  const p = options.paint ?? plain;
  const width = options.width ?? DEFAULT_WIDTH;
  const results = sortedResults(report.results);
  const pad = ' '.repeat(
    tagColumn(results.map((r) => statusTag(LABEL[r.status], r.waiver !== undefined))),
  );
  const layout: Layout = { p, verbose: options.verbose === true, width, pad };
  yield* fill(
    oneLine(
      `${report.profile.title} (${report.profile.benchmark}, Kubernetes ${report.profile.kubernetes})`,
    ),
    width,
  ).map((x) => p.bold(x));
  if (report.profile.choice !== undefined)
    yield* fill(
      oneLine(`Profile: ${report.profile.name}, ${report.profile.choice.reason}`),
      width,
      '',
      '  ',
    );
  yield* fill(
    oneLine(`Cluster: ${report.cluster.name} (${report.cluster.source})`),
    width,
    '',
    '  ',
  );
  if (report.plan !== undefined) yield* fill(oneLine(`Plan: ${report.plan}`), width, '', '  ');
  // "controlplane 2/2" is never split across lines.
  const c = report.coverage;
  const head = fill(
    oneLine(
      `Coverage: ${c.scanned} of ${c.expected} nodes scanned (expected from ${c.expectedFrom})`,
    ),
    width,
    '',
    '  ',
  );
  const roles = c.byRole
    .filter((r) => r.expected > 0)
    .map((r) => `${r.role} ${r.scanned}/${r.expected}`);
  if (roles.length === 0) yield* head;
  else {
    yield* head.slice(0, -1);
    yield* fillList(`${head.at(-1) ?? ''}:`, roles, width, '  ');
  }
  for (const n of report.coverage.notScanned) {
    const text = oneLine(
      `${n.name}${n.source !== undefined ? ` (${n.source})` : ''}${n.roles.length > 0 ? ` [${n.roles.join(', ')}]` : ''}: ${n.reason}`,
    );
    yield* paintFirst(fill(`NOT SCANNED ${text}`, width, '  ', '    '), 2, 'NOT SCANNED', (t) =>
      p.status('error', t),
    );
  }
  if (report.coverage.unexpected.length > 0)
    yield* fill(
      oneLine(`not in ${report.coverage.expectedFrom}: ${report.coverage.unexpected.join(', ')}`),
      width,
      '  ',
      '    ',
    );
  yield 'Nodes:';
  // A loop, not Math.max(...names): a spread of 100,000 arguments can overflow the stack.
  let longest = 4;
  for (const n of report.nodes) longest = Math.max(longest, columns(oneLine(n.name)));
  const nameWidth = Math.min(40, longest);
  for (const n of report.nodes) {
    const s = n.summary;
    yield* fill(
      `${oneLine(n.name).padEnd(nameWidth)}  ${n.roles.join(', ') || 'no role'}: ${s.pass} pass, ${s.fail} fail, ${s.error} error`,
      width,
      '  ',
      '    ',
    );
  }
  if (report.cluster.clusterEvidence !== undefined)
    yield* fill(
      oneLine(`Cluster-scoped controls evaluated once, from ${report.cluster.clusterEvidence}`),
      width,
      '',
      '  ',
    ).map((x) => p.dim(x));
  if (report.nodeMaps === 'failing')
    yield p.dim('Passing nodes are counted, not named (node maps of failing nodes only).');
  let section = '';
  for (const r of results) {
    if (r.section !== section) {
      section = r.section;
      yield '';
      yield p.bold(oneLine(sectionTitle(report, section)));
    }
    yield* resultLines(r, layout);
  }
  const s = report.summary;
  const verdict = clusterVerdict(report);
  const ids = blockers(report);
  const shown =
    ids.length > 12 ? `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more` : ids.join(', ');
  const why =
    ids.length > 0
      ? `; unwaived scored failures or errors on some node: ${shown}`
      : verdict.compliant
        ? `: no unwaived scored failure or error on any node${s.waived !== undefined ? ` (${s.waived} waived)` : ''}`
        : '';
  yield '';
  yield p.bold('Summary');
  const order = CLUSTER_STATUS_ORDER;
  const word = (st: ClusterStatus): string => (st === 'not-applicable' ? 'not applicable' : st);
  yield* fillList(
    `  ${s.total} controls:`,
    order.map((st) => `${s[st]} ${word(st)}`),
    width,
    '    ',
    (item, i) => p.status(paintAs(order[i] ?? 'pass'), item),
  );
  yield* fillList(
    `  scored: ${s.scored.total} controls:`,
    order.map((st) => `${s.scored[st]} ${word(st)}${st === 'pass' ? ' on every node' : ''}`),
    width,
    '    ',
  );
  yield* fill(`scored pass rate: ${clusterPassRateText(s)}`, width, '  ', '    ');
  yield* paintFirst(
    fill(`result: ${verdict.label}${why}`, width, '  ', '    '),
    10,
    verdict.label,
    (t) => p.status(verdict.compliant ? 'pass' : 'fail', t),
  );
  const w = report.waivers;
  if (w !== undefined) {
    yield '';
    yield p.bold('Waivers');
    yield* fill(
      oneLine(
        `${w.file}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused`,
      ),
      width,
      '  ',
      '    ',
    );
    for (const e of w.expired)
      yield* fill(
        oneLine(`expired, not applied: ${e.control} (${e.source})`),
        width,
        '    ',
        '      ',
      );
    for (const e of w.unused)
      yield* fill(oneLine(`unused: ${e.control} (${e.source})`), width, '    ', '      ');
  }
}

/** The terminal report of a cluster: coverage, the nodes, each control with how the nodes differ, a summary. */
export const clusterText = (
  report: ClusterReport,
  options: TextOptions = {},
): Generator<string, void, undefined> => eachLine(textLines(report, options));
