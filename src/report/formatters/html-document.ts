import { createHash } from 'node:crypto';
import type { WaiverEntry, WaiversInfo } from '../types.js';
import { CSS, SCRIPT } from './html-assets.js';
import { html as esc } from './html-escape.js';
import { controlAnchor, controlHeading, waiverDetail } from './labels.js';
import { blocks } from './prose.js';

/**
 * The parts of the self-assessment document in HTML that a node's (html.ts) and a cluster's
 * (cluster-html.ts) share: the head, the summary, the filter, the waivers, the failing controls,
 * a control's article and the fields every control has.
 */

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

/** The audit command and the guide's erratum, the fields a control starts with. */
export const auditFields = (r: { audit: string; erratum?: string | undefined }): string[] => [
  ...(r.audit !== ''
    ? [field('Audit', `<pre class="audit"><code>${esc(r.audit)}</code></pre>`)]
    : []),
  ...(r.erratum !== undefined ? [field('Audit erratum', htmlBlocks(r.erratum))] : []),
];

/** What Rancher's guide found on its hardened reference node. */
export const guideField = (r: { guideResult: string }): string =>
  field(
    "Rancher's guide",
    `${esc(r.guideResult)} <span class="muted">(hardened reference node)</span>`,
  );

/** A waiver that covers the control: its justification and bookkeeping. */
export const waiverField = (w: {
  justification: string;
  approvedBy?: string;
  expires?: string;
  source: string;
}): string =>
  field(
    'Waiver',
    `${htmlBlocks(w.justification)}<p class="muted">${esc(waiverDetail(w))}</p>`,
    'waiver',
  );

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

/** The counts of a document, by result: what the summary and the filter show. */
interface Counted<S extends string> {
  counts: readonly { status: S; label: string; count: number; scored: number }[];
  total: number;
  verdict: { compliant: boolean; label: string };
  scoredPassRate: string;
  waived: number;
}

/** The summary: the verdict, the chart and the counts; `after` adds lines at its end. */
export function summarySection<S extends string>(
  doc: Counted<S>,
  scoredTotal: number,
  colour: Record<S, string>,
  after: readonly string[] = [],
): string {
  const rows = doc.counts.map(
    (c) =>
      `<tr data-status="${c.status}"><td><span class="swatch s-${c.status}"></span>${esc(c.label)}</td><td class="num count" data-count="${c.status}">${c.count}</td><td class="num">${c.scored}</td></tr>`,
  );
  return [
    '<section id="summary"><h2>Summary</h2>',
    `<p class="verdict ${doc.verdict.compliant ? 'ok' : 'bad'}" id="verdict">Result: ${esc(doc.verdict.label)}</p>`,
    chart(doc, colour),
    '<table class="counts"><thead><tr><th>Result</th><th>Controls</th><th>Scored</th></tr></thead><tbody>',
    ...rows,
    `<tr><th>Total</th><td class="num" data-count="total">${doc.total}</td><td class="num">${scoredTotal}</td></tr>`,
    '</tbody></table>',
    `<p>Scored pass rate: ${esc(doc.scoredPassRate)}. Waived failures: <span data-count="waived">${doc.waived}</span>.</p>`,
    ...after,
    '</section>',
  ].join('\n');
}

/** The filter by result (shown by the page's script; hidden without it). */
export function filtersNav(doc: Pick<Counted<string>, 'counts'>): string {
  const boxes = doc.counts.map(
    (c) =>
      `<label><input type="checkbox" checked data-status="${c.status}" data-label="${esc(c.label)}"><span class="swatch s-${c.status}"></span>${esc(c.label)} (${c.count})</label>`,
  );
  return `<nav class="filters" id="filters" aria-label="Filter controls by result" hidden><strong>Show:</strong>${boxes.join('')}<span class="shown" id="filter-shown"></span></nav>`;
}

export function waiverTable(title: string, list: readonly WaiverEntry[]): string {
  if (list.length === 0) return '';
  const rows = list.map(
    (w) =>
      `<tr><td><a href="#${esc(controlAnchor(w.control))}">${esc(w.control)}</a></td><td>${htmlBlocks(w.justification)}</td><td>${esc(w.approvedBy ?? '')}</td><td>${esc(w.expires ?? '')}</td><td>${esc(w.source)}</td><td>${esc(w.reason ?? '')}</td></tr>`,
  );
  return `<h3>${esc(title)}</h3><table><thead><tr><th>Control</th><th>Justification</th><th>Approved by</th><th>Expires</th><th>Where</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The waivers section, when the run had waivers. */
export function waiversSection(w: WaiversInfo | undefined): string {
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

/** The failing scored controls, each a link to its article, or `none` when there is none. */
export function failingSection<R extends { id: string; title: string; scored: boolean }>(
  failing: readonly R[],
  label: (r: R) => string,
  none: string,
): string {
  const body =
    failing.length === 0
      ? `<p>${none}</p>`
      : `<ul>${failing.map((r) => `<li><a href="#${esc(controlAnchor(r.id))}">${esc(controlHeading(r))}</a>: ${esc(label(r))}</li>`).join('')}</ul>`;
  return `<section id="failing"><h2>Failing Scored Controls</h2>${body}</section>`;
}

/** The methodology section: the profile's paragraphs, then rkecis's own. */
export const methodologySection = (methodology: readonly string[]): string =>
  `<section id="methodology"><h2>Testing controls methodology</h2>${methodology.map(htmlBlocks).join('')}</section>`;

/** The controls section up to the first group: its heading and the filter. */
export const controlsStart = (doc: Pick<Counted<string>, 'counts'>): string[] => [
  '<section id="controls"><h2>Controls</h2>',
  filtersNav(doc),
  '<p class="print-only" id="print-filter" hidden></p>',
];

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

/** The lines after the last group: the controls section closed, the script, the end. */
export const documentEnd = (): string[] => [
  '</section>',
  '</main>',
  `<script>${SCRIPT}</script>`,
  '</body>',
  '</html>',
];
