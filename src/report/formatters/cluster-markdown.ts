import type { ClusterReport, ClusterResult } from '../types.js';
import {
  clusterDocument,
  clusterResultLabel,
  findingNodeList,
  returnedValueOf,
} from './cluster-document.js';
import { CLUSTER_RESULT_LABEL } from './cluster-labels.js';
import {
  closingFields,
  controlLines,
  controlStart,
  documentStart,
  expectedLines,
  failingLines,
  field,
  guideLines,
  methodologyLines,
  summaryLines,
  waiverField,
  waiverLines,
} from './markdown-document.js';
import { mdBlocks, mdCell, mdCode, mdInline } from './markdown-escape.js';
import { trimmedLines } from './rendered.js';

function control(r: ClusterResult): string[] {
  const out = controlStart(r);
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
  out.push(...expectedLines(r), ...guideLines(r));
  const waivers = [
    ...new Map(
      r.findings.flatMap((f) =>
        f.waiver !== undefined ? [[f.waiver.source, f.waiver] as const] : [],
      ),
    ).values(),
  ];
  for (const w of waivers) out.push(...waiverField(w));
  out.push(...closingFields(r));
  return out;
}

/** The document's lines: the tables of nodes, and of nodes not scanned, a line per node. */
function* markdownLines(report: ClusterReport): Generator<string, void, undefined> {
  const doc = clusterDocument(report);
  yield* documentStart(doc);
  yield* ['## Coverage', ''];
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
  yield '';
  yield* summaryLines(doc, doc.scoredTotal);
  yield* methodologyLines(doc.methodology);
  yield* failingLines(
    doc.failing,
    (r) => mdInline(clusterResultLabel(r)),
    'None: every scored control passes or is not applicable on every node scanned.',
  );
  yield* waiverLines(doc.waivers);
  yield* controlLines(doc.groups, control);
}

/** The cluster's self-assessment document in Markdown, a line at a time. */
export const clusterMarkdown = (report: ClusterReport): Generator<string, void, undefined> =>
  trimmedLines(markdownLines(report));
