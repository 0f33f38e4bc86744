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

/** The cluster's self-assessment document in Markdown. */
export function clusterMarkdown(report: ClusterReport): string {
  const doc = clusterDocument(report);
  const out: string[] = [
    `# ${mdInline(doc.title)}`,
    '',
    mdInline(doc.subtitle),
    '',
    '| | |',
    '|---|---|',
  ];
  for (const [k, v] of doc.header) out.push(`| ${mdCell(k)} | ${mdCell(v)} |`);
  out.push('', `**Result: ${mdInline(doc.verdict.label)}**`, '', '## Coverage', '');
  out.push(mdInline(doc.coverageLine), '');
  if (doc.coverage.notScanned.length > 0) {
    out.push('| Node not scanned | Roles | Where | Why |', '|---|---|---|---|');
    for (const n of doc.coverage.notScanned)
      out.push(
        `| ${mdCell(n.name)} | ${mdCell(n.roles.join(', '))} | ${mdCell(n.source ?? '')} | ${mdCell(n.reason)} |`,
      );
    out.push('');
  }
  if (doc.coverage.unexpected.length > 0)
    out.push(
      `Scanned but not in ${mdInline(doc.coverage.expectedFrom)}: ${mdInline(doc.coverage.unexpected.join(', '))}`,
      '',
    );
  out.push(
    '## Nodes',
    '',
    '| Node | Roles | Pass | Fail | Error | Collected |',
    '|---|---|---:|---:|---:|---|',
  );
  for (const n of doc.nodes)
    out.push(
      `| ${mdCell(n.name)} | ${mdCell(n.roles.join(', '))} | ${n.summary.pass} | ${n.summary.fail} | ${n.summary.error} | ${mdCell(n.collectedAt ?? '')} |`,
    );
  out.push('', '## Summary', '', '| Result | Controls | Scored |', '|---|---:|---:|');
  for (const c of doc.counts) out.push(`| ${c.label} | ${c.count} | ${c.scored} |`);
  out.push(`| Total | ${doc.total} | ${doc.scoredTotal} |`, '');
  out.push(`Scored pass rate: ${doc.scoredPassRate}. Waived failures: ${doc.waived}.`, '');
  out.push(
    '## Testing controls methodology',
    '',
    ...doc.methodology.map((p) => `${mdBlocks(p)}\n`),
  );
  out.push('## Failing Scored Controls', '');
  if (doc.failing.length === 0)
    out.push('None: every scored control passes or is not applicable on every node scanned.');
  for (const r of doc.failing) out.push(`- ${link(r)}: ${mdInline(clusterResultLabel(r))}`);
  out.push('');
  if (doc.waivers !== undefined) {
    const w = doc.waivers;
    out.push(
      '## Waivers',
      '',
      `From ${mdInline(w.file)}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused.`,
      '',
      ...waiverList('Applied', w.applied),
      ...waiverList('Expired (not applied)', w.expired),
      ...waiverList('Unused', w.unused),
    );
  }
  out.push('## Controls', '');
  for (const g of doc.groups) {
    out.push(`### ${mdInline(`${g.id} - ${g.title}`)}`, '');
    for (const s of g.sections) {
      out.push(`#### ${mdInline(`${s.id} - ${s.title}`)}`, '');
      if (s.description !== undefined) out.push(mdBlocks(s.description), '');
      for (const r of s.results) out.push(...control(r));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
