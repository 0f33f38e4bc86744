/**
 * The HTML report's only style sheet and script, inlined so the file is self-contained: it must
 * open on an auditor's air-gapped laptop and load nothing (the CSP in html.ts forbids it).
 */

export const STATUS_COLOUR = {
  pass: '#1a7f37',
  fail: '#cf222e',
  error: '#8250df',
  'not-applicable': '#6e7781',
  manual: '#9a6700',
} as const;

export const CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; }
body { max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .25rem; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
h4 { margin: 0 0 .5rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
pre { background: #f6f8fa; border: 1px solid #d8dee4; border-radius: 4px; padding: .5rem .7rem; margin: .25rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
p code { background: #f6f8fa; padding: 0 .2em; border-radius: 3px; }
.subtitle { color: #59636e; margin-top: 0; }
.verdict { font-size: 1.15rem; font-weight: 600; }
.verdict.ok { color: #1a7f37; } .verdict.bad { color: #cf222e; }
.chart { display: block; width: 100%; height: 2.2rem; border-radius: 4px; margin: .75rem 0 .25rem; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .4em; vertical-align: -.05em; }
.s-pass { background: #1a7f37; border-color: #1a7f37; } .s-fail { background: #cf222e; border-color: #cf222e; }
.s-error { background: #8250df; border-color: #8250df; } .s-not-applicable { background: #6e7781; border-color: #6e7781; }
.s-manual { background: #9a6700; border-color: #9a6700; }
.filters { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid #d0d7de; padding: .5rem 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; }
.filters label { cursor: pointer; white-space: nowrap; }
.filters .shown { color: #59636e; margin-left: auto; }
.control { scroll-margin-top: 4.5rem; border: 1px solid #d0d7de; border-left: 6px solid #6e7781; border-radius: 4px; padding: .6rem 1rem; margin: 1rem 0; }
.control.st-pass { border-left-color: #1a7f37; } .control.st-fail { border-left-color: #cf222e; }
.control.st-error { border-left-color: #8250df; } .control.st-manual { border-left-color: #9a6700; }
.control.waived { border-left-style: dashed; }
.badge { display: inline-block; color: #fff; border-radius: 1em; padding: 0 .6em; font-size: .8rem; font-weight: 600; vertical-align: .1em; margin-left: .3em; }
.anchor { color: #59636e; text-decoration: none; margin-right: .2em; }
.anchor:hover { text-decoration: underline; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .3rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; min-width: 0; } dd > p { margin: 0 0 .4rem; } td > p { margin: 0 0 .3rem; }
.waiver { background: #fff8c5; border-radius: 4px; padding: .3rem .6rem; }
.muted { color: #59636e; }
.trend { margin: .5rem 0; } .rkecis-trend { display: block; max-width: 100%; height: auto; }
table.trend-data { font-size: .9rem; }
.print-only { display: none; }
[hidden] { display: none !important; }
@media print {
  @page { margin: 1.5cm; }
  :root { font-size: 10pt; }
  body { max-width: none; margin: 0; padding: 0; }
  .filters, .anchor { display: none !important; }
  .print-only { display: block; }
  .control { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre { background: none; }
  .chart, .swatch, .badge, .waiver, .rkecis-trend { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .trend, table.trend-data { break-inside: avoid; }
}
`;

/**
 * The status filter. The filter bar is hidden until this runs, so a page without script (or a
 * printout) simply shows every control.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var nav = document.getElementById('filters');
  if (!nav) return;
  var boxes = Array.prototype.slice.call(nav.querySelectorAll('input[data-status]'));
  var controls = Array.prototype.slice.call(document.querySelectorAll('article.control'));
  var shown = document.getElementById('filter-shown');
  var printNote = document.getElementById('print-filter');
  function apply() {
    var on = {};
    var names = [];
    boxes.forEach(function (b) { on[b.getAttribute('data-status')] = b.checked; if (b.checked) names.push(b.getAttribute('data-label')); });
    var n = 0;
    controls.forEach(function (c) {
      var visible = on[c.getAttribute('data-status')] !== false;
      c.hidden = !visible;
      if (visible) n++;
    });
    Array.prototype.forEach.call(document.querySelectorAll('section.section, section.group'), function (s) {
      s.hidden = s.querySelector('article.control:not([hidden])') === null;
    });
    shown.textContent = 'Showing ' + n + ' of ' + controls.length + ' controls';
    var all = names.length === boxes.length;
    printNote.hidden = all;
    printNote.textContent = all ? '' : 'Filtered: showing only ' + (names.join(', ') || 'nothing') + ' (' + n + ' of ' + controls.length + ' controls).';
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.closest('[hidden]')) {
      boxes.forEach(function (b) { b.checked = true; });
      apply();
      target.scrollIntoView();
    }
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  window.addEventListener('hashchange', reveal);
  nav.hidden = false;
  apply();
})();
`;
