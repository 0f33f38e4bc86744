import type { NodeReport, Result } from '../types.js';
import type { FormatOptions } from './format.js';
import { CSS, STATUS_COLOUR } from './html-assets.js';
import {
  auditFields,
  closingFields,
  controlArticle,
  controlsStart,
  documentEnd,
  documentStart,
  failingSection,
  field,
  groupSections,
  guideField,
  methodologySection,
  summarySection,
  waiverField,
  waiversSection,
} from './html-document.js';
import { html as esc } from './html-escape.js';
import { controlHeading, resultLabel } from './labels.js';
import { returnedValue, selfAssessment, type SelfAssessment } from './self-assessment.js';
import { trendSvg, trendTable, type TrendPoint } from './trend-svg.js';

export { csp } from './html-document.js';

function control(r: Result): string {
  const label = resultLabel(r);
  const fields = [
    ...auditFields(r),
    field('Returned Value', `<pre class="returned">${esc(returnedValue(r))}</pre>`),
    field('Expected', esc(r.expected), 'expected'),
    field('Result', esc(label), 'result'),
    guideField(r),
    ...(r.waiver !== undefined ? [waiverField(r.waiver)] : []),
    ...closingFields(r),
  ];
  return controlArticle(r, controlHeading(r), label, fields);
}

/** The pass rate over the node's stored scans, when the CLI found any (rkecis show). */
function trend(points: readonly TrendPoint[] | undefined): string {
  if (points === undefined || points.length === 0) return '';
  return `<section id="trend"><h2>Trend</h2><p>Scored pass rate over the ${points.length} stored scan${points.length === 1 ? '' : 's'} of this node, up to this one.</p><figure class="trend">${trendSvg(points)}</figure>${trendTable(points)}</section>`;
}

/** The summary, with the controls of roles the node does not have. */
const summary = (doc: SelfAssessment, report: NodeReport): string =>
  summarySection(
    doc,
    report.summary.scored.total,
    STATUS_COLOUR,
    doc.skipped.map(
      (s) => `<p class="muted">Skipped ${s.controls} ${esc(s.role)} controls: ${esc(s.reason)}</p>`,
    ),
  );

/**
 * The self-assessment document as one self-contained HTML file: no network, no external assets,
 * prints cleanly to PDF, a summary chart, a status filter, and an anchor on every control.
 */
export function html(report: NodeReport, options: FormatOptions = {}): string {
  const doc = selfAssessment(report);
  return `${[
    ...documentStart(doc, report.rkecisVersion, CSS),
    summary(doc, report),
    trend(options.trend),
    methodologySection(doc.methodology),
    failingSection(
      doc.failing,
      resultLabel,
      'None: every scored control passes or is not applicable.',
    ),
    waiversSection(doc.waivers),
    ...controlsStart(doc),
    ...groupSections(doc.groups, control),
    ...documentEnd(),
  ]
    .filter((l) => l !== '')
    .join('\n')}\n`;
}
