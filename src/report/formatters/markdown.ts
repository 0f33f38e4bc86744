import type { NodeReport, Result } from '../types.js';
import { resultLabel } from './labels.js';
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
import { mdBlocks, mdCode, mdInline } from './markdown-escape.js';
import { returnedValue, selfAssessment } from './self-assessment.js';

export { mdBlocks };

function control(r: Result): string[] {
  return [
    ...controlStart(r),
    ...field('Returned Value', mdCode(returnedValue(r), 'text')),
    ...expectedLines(r),
    `**Result:** ${resultLabel(r)}`,
    '',
    ...guideLines(r),
    ...(r.waiver !== undefined ? waiverField(r.waiver) : []),
    ...closingFields(r),
  ];
}

/** The self-assessment document in Markdown: the seed guide's structure, filled in for this node. */
export function markdown(report: NodeReport): string {
  const doc = selfAssessment(report);
  const out: string[] = [
    ...documentStart(doc),
    ...summaryLines(doc, report.summary.scored.total),
    ...doc.skipped.map(
      (s) => `- Skipped ${s.controls} ${mdInline(s.role)} controls: ${mdInline(s.reason)}`,
    ),
    ...(doc.skipped.length > 0 ? [''] : []),
    ...methodologyLines(doc.methodology),
    ...failingLines(
      doc.failing,
      resultLabel,
      'None: every scored control passes or is not applicable.',
    ),
    ...waiverLines(doc.waivers),
    ...controlLines(doc.groups, control),
  ];
  return `${out.join('\n').trimEnd()}\n`;
}
