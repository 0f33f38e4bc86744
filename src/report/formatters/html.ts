import type { FormatOptions } from './format.js';
import { trendSvg, trendTable, type TrendPoint } from './trend-svg.js';
import { createHash } from 'node:crypto';
import type { NodeReport, Result, WaiverEntry } from '../types.js';
import { CSS, SCRIPT, STATUS_COLOUR } from './html-assets.js';
import { html as esc } from './html-escape.js';
import { controlHeading, resultLabel, waiverDetail } from './labels.js';
import { controlAnchor } from './markdown.js';
import { blocks } from './prose.js';
import { returnedValue, selfAssessment, type SelfAssessment } from './self-assessment.js';

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Nothing may be loaded from anywhere: the inline style and script are allowed by their hashes,
 * so even markup that slipped past escaping could not run or fetch.
 */
export const csp = (css: string = CSS): string =>
  [
    "default-src 'none'",
    `style-src ${sha256(css)}`,
    `script-src ${sha256(SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

export function htmlBlocks(text: string): string {
  return blocks(text)
    .map((b) =>
      b.kind === 'pre'
        ? `<pre>${esc(b.text)}</pre>`
        : `<p>${b.spans.map((s) => (s.code ? `<code>${esc(s.text)}</code>` : esc(s.text))).join('')}</p>`,
    )
    .join('');
}

/** One labelled field of a control (a definition-list row). */
export const field = (label: string, body: string, cls = ''): string =>
  `<dt>${esc(label)}</dt><dd${cls === '' ? '' : ` class="${cls}"`}>${body}</dd>`;

/** The fields every control ends with, node and cluster alike. */
export const closingFields = (r: {
  reason?: string | undefined;
  notes?: string | undefined;
  mitigation?: string | undefined;
  remediation: string;
}): string[] => [
  ...(r.reason !== undefined ? [field('Reason', htmlBlocks(r.reason), 'reason')] : []),
  ...(r.notes !== undefined ? [field('Notes', htmlBlocks(r.notes))] : []),
  ...(r.mitigation !== undefined ? [field('Mitigation', htmlBlocks(r.mitigation))] : []),
  field('Remediation', htmlBlocks(r.remediation)),
];

/** A control as an anchored article, filterable by its status. */
export function controlArticle(
  r: { id: string; status: string; waiver?: unknown },
  heading: string,
  label: string,
  fields: readonly string[],
): string {
  const anchor = controlAnchor(r.id);
  return [
    `<article class="control st-${r.status}${r.waiver !== undefined ? ' waived' : ''}" id="${esc(anchor)}" data-status="${r.status}">`,
    `<h4><a class="anchor" href="#${esc(anchor)}" aria-label="Link to ${esc(r.id)}">#</a>${esc(heading)}<span class="badge s-${r.status}">${esc(label)}</span></h4>`,
    `<dl>${fields.join('')}</dl>`,
    '</article>',
  ].join('\n');
}

function control(r: Result): string {
  const label = resultLabel(r);
  const fields = [
    ...(r.audit !== ''
      ? [field('Audit', `<pre class="audit"><code>${esc(r.audit)}</code></pre>`)]
      : []),
    ...(r.erratum !== undefined ? [field('Audit erratum', htmlBlocks(r.erratum))] : []),
    field('Returned Value', `<pre class="returned">${esc(returnedValue(r))}</pre>`),
    field('Expected', esc(r.expected), 'expected'),
    field('Result', esc(label), 'result'),
    field(
      "Rancher's guide",
      `${esc(r.guideResult)} <span class="muted">(hardened reference node)</span>`,
    ),
    ...(r.waiver !== undefined
      ? [
          field(
            'Waiver',
            `${htmlBlocks(r.waiver.justification)}<p class="muted">${esc(waiverDetail(r.waiver))}</p>`,
            'waiver',
          ),
        ]
      : []),
    ...closingFields(r),
  ];
  return controlArticle(r, controlHeading(r), label, fields);
}

/** A stacked bar of the statuses, drawn in SVG attributes (no style attributes: the CSP forbids them). */
export function chart<S extends string>(
  doc: { counts: readonly { status: S; label: string; count: number }[]; total: number },
  colour: Record<S, string>,
): string {
  const title = doc.counts.map((c) => `${c.count} ${c.label}`).join(', ');
  let x = 0;
  const bars = doc.counts
    .filter((c) => c.count > 0)
    .map((c) => {
      const w = Math.round((c.count / Math.max(doc.total, 1)) * 100000) / 100;
      const rect = `<rect x="${Math.round(x * 100) / 100}" y="0" width="${w}" height="40" fill="${colour[c.status]}"><title>${esc(`${c.label}: ${c.count}`)}</title></rect>`;
      x += w;
      return rect;
    });
  return `<svg class="chart" viewBox="0 0 1000 40" preserveAspectRatio="none" role="img" aria-label="${esc(`Controls by result: ${title}`)}">${bars.join('')}</svg>`;
}

/** The pass rate over the node's stored scans, when the CLI found any (rkecis show). */
function trend(points: readonly TrendPoint[] | undefined): string {
  if (points === undefined || points.length === 0) return '';
  return `<section id="trend"><h2>Trend</h2><p>Scored pass rate over the ${points.length} stored scan${points.length === 1 ? '' : 's'} of this node, up to this one.</p><figure class="trend">${trendSvg(points)}</figure>${trendTable(points)}</section>`;
}

function summary(doc: SelfAssessment, report: NodeReport): string {
  const rows = doc.counts.map(
    (c) =>
      `<tr data-status="${c.status}"><td><span class="swatch s-${c.status}"></span>${esc(c.label)}</td><td class="num count" data-count="${c.status}">${c.count}</td><td class="num">${c.scored}</td></tr>`,
  );
  return [
    '<section id="summary"><h2>Summary</h2>',
    `<p class="verdict ${doc.verdict.compliant ? 'ok' : 'bad'}" id="verdict">Result: ${esc(doc.verdict.label)}</p>`,
    chart(doc, STATUS_COLOUR),
    '<table class="counts"><thead><tr><th>Result</th><th>Controls</th><th>Scored</th></tr></thead><tbody>',
    ...rows,
    `<tr><th>Total</th><td class="num" data-count="total">${doc.total}</td><td class="num">${report.summary.scored.total}</td></tr>`,
    '</tbody></table>',
    `<p>Scored pass rate: ${esc(doc.scoredPassRate)}. Waived failures: <span data-count="waived">${doc.waived}</span>.</p>`,
    ...doc.skipped.map(
      (s) => `<p class="muted">Skipped ${s.controls} ${esc(s.role)} controls: ${esc(s.reason)}</p>`,
    ),
    '</section>',
  ].join('\n');
}

export function waiverTable(title: string, list: readonly WaiverEntry[]): string {
  if (list.length === 0) return '';
  const rows = list.map(
    (w) =>
      `<tr><td><a href="#${esc(controlAnchor(w.control))}">${esc(w.control)}</a></td><td>${htmlBlocks(w.justification)}</td><td>${esc(w.approvedBy ?? '')}</td><td>${esc(w.expires ?? '')}</td><td>${esc(w.source)}</td><td>${esc(w.reason ?? '')}</td></tr>`,
  );
  return `<h3>${esc(title)}</h3><table><thead><tr><th>Control</th><th>Justification</th><th>Approved by</th><th>Expires</th><th>Where</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function waivers(doc: SelfAssessment): string {
  const w = doc.waivers;
  if (w === undefined) return '';
  return [
    '<section id="waivers"><h2>Waivers</h2>',
    `<p>From ${esc(w.file)}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused.</p>`,
    waiverTable('Applied', w.applied),
    waiverTable('Expired (not applied)', w.expired),
    waiverTable('Unused', w.unused),
    '</section>',
  ].join('\n');
}

function filters(doc: SelfAssessment): string {
  const boxes = doc.counts.map(
    (c) =>
      `<label><input type="checkbox" checked data-status="${c.status}" data-label="${esc(c.label)}"><span class="swatch s-${c.status}"></span>${esc(c.label)} (${c.count})</label>`,
  );
  return `<nav class="filters" id="filters" aria-label="Filter controls by result" hidden><strong>Show:</strong>${boxes.join('')}<span class="shown" id="filter-shown"></span></nav>`;
}

/**
 * The self-assessment document as one self-contained HTML file: no network, no external assets,
 * prints cleanly to PDF, a summary chart, a status filter, and an anchor on every control.
 */
/** The guide's groups and sections, each control rendered by the given function. */
export function groupSections<R>(
  groups: readonly {
    id: string;
    title: string;
    sections: readonly { id: string; title: string; description?: string; results: readonly R[] }[];
  }[],
  control: (r: R) => string,
): string[] {
  return groups.map((g) =>
    [
      `<section class="group" id="group-${esc(g.id)}"><h2>${esc(`${g.id} - ${g.title}`)}</h2>`,
      ...g.sections.map((s) =>
        [
          `<section class="section" id="section-${esc(s.id)}"><h3>${esc(`${s.id} - ${s.title}`)}</h3>`,
          ...(s.description !== undefined ? [htmlBlocks(s.description)] : []),
          ...s.results.map(control),
          '</section>',
        ].join('\n'),
      ),
      '</section>',
    ].join('\n'),
  );
}

/** The document's head, title block and header table, up to `<main>` (node and cluster alike). */
export function documentStart(
  doc: { title: string; subtitle: string; header: readonly (readonly [string, string])[] },
  rkecisVersion: string | undefined,
  style: string,
): string[] {
  const generator = rkecisVersion === undefined ? 'rkecis' : `rkecis ${rkecisVersion}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp(style))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${esc(generator)}">`,
    `<title>${esc(doc.title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(doc.title)}</h1><p class="subtitle">${esc(doc.subtitle)}</p>`,
    `<table class="meta" id="meta"><tbody>${doc.header.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table></header>`,
    '<main>',
  ];
}

export function html(report: NodeReport, options: FormatOptions = {}): string {
  const doc = selfAssessment(report);
  const failing =
    doc.failing.length === 0
      ? '<p>None: every scored control passes or is not applicable.</p>'
      : `<ul>${doc.failing.map((r) => `<li><a href="#${esc(controlAnchor(r.id))}">${esc(controlHeading(r))}</a>: ${esc(resultLabel(r))}</li>`).join('')}</ul>`;
  const groups = groupSections(doc.groups, control);
  return `${[
    ...documentStart(doc, report.rkecisVersion, CSS),
    summary(doc, report),
    trend(options.trend),
    `<section id="methodology"><h2>Testing controls methodology</h2>${doc.methodology.map(htmlBlocks).join('')}</section>`,
    `<section id="failing"><h2>Failing Scored Controls</h2>${failing}</section>`,
    waivers(doc),
    '<section id="controls"><h2>Controls</h2>',
    filters(doc),
    '<p class="print-only" id="print-filter" hidden></p>',
    ...groups,
    '</section>',
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
  ]
    .filter((l) => l !== '')
    .join('\n')}\n`;
}
