import type { ClusterReport, ClusterResult } from '../types.js';
import {
  clusterDocument,
  clusterResultLabel,
  findingNodeList,
  returnedValueOf,
} from './cluster-document.js';
import { CLUSTER_RESULT_LABEL } from './cluster-labels.js';
import { controlHeading, waiverDetail } from './labels.js';
import { mdCell, mdCode, mdInline } from './markdown-escape.js';
import { closingFields, controlAnchor, field, mdBlocks, waiverList } from './markdown.js';
import { trimmedLines } from './rendered.js';

const link = (r: ClusterResult): string =>
  `[${mdInline(controlHeading(r))}](#${controlAnchor(r.id)})`;

function control(r: ClusterResult): string[] {
  const out = [
    `<a id="${controlAnchor(r.id)}"></a>`,
    '',
    `##### ${mdInline(controlHeading(r))}`,
    '',
  ];
  if (r.audit !== '') out.push(...field('Audit', mdCode(r.audit, 'sh')));
  if (r.erratum !== undefined) out.push(...field('Audit erratum', mdBlocks(r.erratum)));
  out.push(`**Result:** ${mdInline(clusterResultLabel(r))}`, '');
  if (r.scope === 'cluster') {
    out.push('_Evaluated once for the cluster._', '');
    const f = r.findings[0];
    if (f !== undefined) out.push(...field('Returned Value', mdCode(returnedValueOf(f), 'text')));
  } else {
    // One block per outcome: the nodes that share it, and what they returned.
    for (const f of r.findings) {
      out.push(
        `**${CLUSTER_RESULT_LABEL[f.status]}${f.waiver !== undefined ? ' (waived)' : ''} on ${f.count} ${f.count === 1 ? 'node' : 'nodes'}:** ${mdInline(findingNodeList(f))}`,
        '',
        mdCode(returnedValueOf(f), 'text'),
        '',
      );
      if (f.reason !== undefined && f.reason !== r.reason) out.push(mdBlocks(f.reason), '');
    }
  }
  out.push(`**Expected:** ${mdCell(r.expected)}`, '');
  out.push(
    `**Result in Rancher's guide (hardened reference node):** ${mdInline(r.guideResult)}`,
    '',
  );
  const waivers = [
    ...new Map(
      r.findings.flatMap((f) =>
        f.waiver !== undefined ? [[f.waiver.source, f.waiver] as const] : [],
      ),
    ).values(),
  ];
  for (const w of waivers)
    out.push(...field('Waiver', `${mdBlocks(w.justification)}\n\n_${mdInline(waiverDetail(w))}_`));
  out.push(...closingFields(r));
  return out;
}

/** The document's lines: the tables of nodes, and of nodes not scanned, a line per node. */
function* markdownLines(report: ClusterReport): Generator<string, void, undefined> {
  const doc = clusterDocument(report);
  yield* [`# ${mdInline(doc.title)}`, '', mdInline(doc.subtitle), '', '| | |', '|---|---|'];
  for (const [k, v] of doc.header) yield `| ${mdCell(k)} | ${mdCell(v)} |`;
  yield* ['', `**Result: ${mdInline(doc.verdict.label)}**`, '', '## Coverage', ''];
  yield* [mdInline(doc.coverageLine), ''];
  if (doc.coverage.notScanned.length > 0) {
    yield* ['| Node not scanned | Roles | Where | Why |', '|---|---|---|---|'];
    for (const n of doc.coverage.notScanned)
      yield `| ${mdCell(n.name)} | ${mdCell(n.roles.join(', '))} | ${mdCell(n.source ?? '')} | ${mdCell(n.reason)} |`;
    yield '';
  }
  if (doc.coverage.unexpected.length > 0)
    yield* [
      `Scanned but not in ${mdInline(doc.coverage.expectedFrom)}: ${mdInline(doc.coverage.unexpected.join(', '))}`,
      '',
    ];
  yield* [
    '## Nodes',
    '',
    '| Node | Roles | Pass | Fail | Error | Collected |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const n of doc.nodes)
    yield `| ${mdCell(n.name)} | ${mdCell(n.roles.join(', '))} | ${n.summary.pass} | ${n.summary.fail} | ${n.summary.error} | ${mdCell(n.collectedAt ?? '')} |`;
  yield* ['', '## Summary', '', '| Result | Controls | Scored |', '|---|---:|---:|'];
  for (const c of doc.counts) yield `| ${c.label} | ${c.count} | ${c.scored} |`;
  yield* [`| Total | ${doc.total} | ${doc.scoredTotal} |`, ''];
  yield* [`Scored pass rate: ${doc.scoredPassRate}. Waived failures: ${doc.waived}.`, ''];
  yield* ['## Testing controls methodology', '', ...doc.methodology.map((p) => `${mdBlocks(p)}\n`)];
  yield* ['## Failing Scored Controls', ''];
  if (doc.failing.length === 0)
    yield 'None: every scored control passes or is not applicable on every node scanned.';
  for (const r of doc.failing) yield `- ${link(r)}: ${mdInline(clusterResultLabel(r))}`;
  yield '';
  if (doc.waivers !== undefined) {
    const w = doc.waivers;
    yield* [
      '## Waivers',
      '',
      `From ${mdInline(w.file)}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused.`,
      '',
      ...waiverList('Applied', w.applied),
      ...waiverList('Expired (not applied)', w.expired),
      ...waiverList('Unused', w.unused),
    ];
  }
  yield* ['## Controls', ''];
  for (const g of doc.groups) {
    yield* [`### ${mdInline(`${g.id} - ${g.title}`)}`, ''];
    for (const s of g.sections) {
      yield* [`#### ${mdInline(`${s.id} - ${s.title}`)}`, ''];
      if (s.description !== undefined) yield* [mdBlocks(s.description), ''];
      for (const r of s.results) yield* control(r);
    }
  }
}

/** The cluster's self-assessment document in Markdown, a line at a time. */
export const clusterMarkdown = (report: ClusterReport): Generator<string, void, undefined> =>
  trimmedLines(markdownLines(report));
