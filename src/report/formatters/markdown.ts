import type { NodeReport, Result, WaiverEntry } from '../types.js';
import { controlHeading, resultLabel, waiverDetail } from './labels.js';
import { mdBlocks, mdCell, mdCode, mdInline } from './markdown-escape.js';
import { returnedValue, selfAssessment } from './self-assessment.js';
import { visible } from './visible.js';

export { mdBlocks };

/** The anchor every control has, in both documents: `#control-1.1.1`. */
export const controlAnchor = (id: string): string => `control-${id}`;

const link = (r: Result): string => `[${mdInline(controlHeading(r))}](#${controlAnchor(r.id)})`;

export function field(label: string, body: string): string[] {
  return [`**${label}**`, '', body, ''];
}

/** The fields every control ends with, node and cluster alike. */
export function closingFields(r: {
  reason?: string | undefined;
  notes?: string | undefined;
  mitigation?: string | undefined;
  remediation: string;
}): string[] {
  const out: string[] = [];
  // A reason can quote evidence (an argument, a file name): its control characters are shown.
  if (r.reason !== undefined) out.push(...field('Reason', mdBlocks(visible(r.reason))));
  if (r.notes !== undefined) out.push(...field('Notes', mdBlocks(r.notes)));
  if (r.mitigation !== undefined) out.push(...field('Mitigation', mdBlocks(r.mitigation)));
  out.push(...field('Remediation', mdBlocks(r.remediation)));
  return out;
}

function control(r: Result): string[] {
  const out = [
    `<a id="${controlAnchor(r.id)}"></a>`,
    '',
    `##### ${mdInline(controlHeading(r))}`,
    '',
  ];
  if (r.audit !== '') out.push(...field('Audit', mdCode(r.audit, 'sh')));
  if (r.erratum !== undefined) out.push(...field('Audit erratum', mdBlocks(r.erratum)));
  out.push(...field('Returned Value', mdCode(returnedValue(r), 'text')));
  out.push(`**Expected:** ${mdCell(r.expected)}`, '');
  out.push(`**Result:** ${resultLabel(r)}`, '');
  out.push(
    `**Result in Rancher's guide (hardened reference node):** ${mdInline(r.guideResult)}`,
    '',
  );
  if (r.waiver !== undefined) {
    out.push(
      ...field(
        'Waiver',
        `${mdBlocks(r.waiver.justification)}\n\n_${mdInline(waiverDetail(r.waiver))}_`,
      ),
    );
  }
  out.push(...closingFields(r));
  return out;
}

export function waiverList(title: string, list: readonly WaiverEntry[]): string[] {
  if (list.length === 0) return [];
  return [
    `### ${title}`,
    '',
    '| Control | Justification | Approved by | Expires | Where | Note |',
    '|---|---|---|---|---|---|',
    ...list.map(
      (w) =>
        `| ${mdCell(w.control)} | ${mdCell(w.justification)} | ${mdCell(w.approvedBy ?? '')} | ${mdCell(w.expires ?? '')} | ${mdCell(w.source)} | ${mdCell(w.reason ?? '')} |`,
    ),
    '',
  ];
}

/** The self-assessment document in Markdown: the seed guide's structure, filled in for this node. */
export function markdown(report: NodeReport): string {
  const doc = selfAssessment(report);
  const out: string[] = [
    `# ${mdInline(doc.title)}`,
    '',
    mdInline(doc.subtitle),
    '',
    '| | |',
    '|---|---|',
  ];
  for (const [k, v] of doc.header) out.push(`| ${mdCell(k)} | ${mdCell(v)} |`);
  out.push(
    '',
    `**Result: ${doc.verdict.label}**`,
    '',
    '## Summary',
    '',
    '| Result | Controls | Scored |',
    '|---|---:|---:|',
  );
  for (const c of doc.counts) out.push(`| ${c.label} | ${c.count} | ${c.scored} |`);
  out.push(`| Total | ${doc.total} | ${report.summary.scored.total} |`, '');
  out.push(`Scored pass rate: ${doc.scoredPassRate}. Waived failures: ${doc.waived}.`, '');
  for (const s of doc.skipped)
    out.push(`- Skipped ${s.controls} ${mdInline(s.role)} controls: ${mdInline(s.reason)}`);
  if (doc.skipped.length > 0) out.push('');
  out.push(
    '## Testing controls methodology',
    '',
    ...doc.methodology.map((p) => `${mdBlocks(p)}\n`),
  );
  out.push('## Failing Scored Controls', '');
  if (doc.failing.length === 0) out.push('None: every scored control passes or is not applicable.');
  for (const r of doc.failing) {
    out.push(`- ${link(r)}: ${resultLabel(r)}`);
  }
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
