/** One stored scan's place in a node's trend. */
export interface TrendPoint {
  id: string;
  scannedAt: string;
  scoredPassRate: number | null;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
/** The day of a scan (UTC), as the axis shows it. */
const day = (iso: string): string => iso.slice(0, 10);

/** The plot area inside the chart: room on the left for the rate axis, below for the dates. */
const W = 640;
const H = 220;
const LEFT = 48;
const RIGHT = 24;
const TOP = 22;
const BOTTOM = 44;

/** Labels (a date, a value) are this far apart at least, so that they never overlap (the first and last are anchored inward, which takes half a label more). */
const LABEL_GAP = 100;

/**
 * Indexes of the points that carry their date and value: every point when they are far enough
 * apart, else the first, the last, and points evenly between at least `gap` columns apart.
 */
export function labelled(n: number, spacing: number, gap = LABEL_GAP): number[] {
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(gap / Math.max(spacing, 1)));
  const out: number[] = [];
  for (let i = 0; i < n - 1; i += step) out.push(i);
  // The last point always has its label; the one before it gives way if too close.
  if (out.length > 1 && n - 1 - (out.at(-1) ?? 0) < step) out.pop();
  if (n > 1 || out.length === 0) out.push(n - 1);
  return out;
}

/**
 * The trend as an inline SVG for the html report, readable on paper as on screen: a rate axis
 * from 0 to 100% with its grid lines and labels, the scans in the order they were made along the
 * bottom with their dates, each point's value written beside it (the ends and evenly spaced
 * points of a long series), all in black text attributes (no script, no style attribute, nothing
 * external: the CSP holds). Scans with no judged control have no rate and are left out of the
 * line; the table beside the chart lists every scan.
 */
export function trendSvg(points: readonly TrendPoint[]): string {
  const pts = points.filter(
    (p): p is TrendPoint & { scoredPassRate: number } => p.scoredPassRate !== null,
  );
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const x = (i: number): number =>
    LEFT + (pts.length < 2 ? plotW / 2 : (i * plotW) / (pts.length - 1));
  const y = (r: number): number => TOP + (1 - r) * plotH;
  const f = (n: number): string => n.toFixed(1);
  const label = `Scored pass rate over ${pts.length} stored scan${pts.length === 1 ? '' : 's'}${
    pts.length > 0
      ? `, from ${pct(pts[0]?.scoredPassRate ?? 0)} on ${day(pts[0]?.scannedAt ?? '')} to ${pct(pts.at(-1)?.scoredPassRate ?? 0)} on ${day(pts.at(-1)?.scannedAt ?? '')}`
      : ''
  }`;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (r) =>
        `<line x1="${LEFT}" y1="${f(y(r))}" x2="${W - RIGHT}" y2="${f(y(r))}" stroke="#8c959f" stroke-width="${r === 0 ? 1 : 0.5}"${r === 0 ? '' : ' stroke-dasharray="3 3"'}/>` +
        `<text x="${LEFT - 6}" y="${f(y(r) + 4)}" text-anchor="end">${r * 100}%</text>`,
    )
    .join('');
  const shown = new Set(labelled(pts.length, pts.length < 2 ? plotW : plotW / (pts.length - 1)));
  // The first and last labels are anchored inward, so they stay inside the chart.
  const anchor = (i: number): string =>
    pts.length < 2 ? 'middle' : i === 0 ? 'start' : i === pts.length - 1 ? 'end' : 'middle';
  const dots = pts
    .map(
      (p, i) =>
        `<circle cx="${f(x(i))}" cy="${f(y(p.scoredPassRate))}" r="3.5"><title>${esc(`${p.scannedAt} ${p.id}: ${pct(p.scoredPassRate)}`)}</title></circle>`,
    )
    .join('');
  const labels = pts
    .map((p, i) => {
      if (!shown.has(i)) return '';
      const cx = f(x(i));
      // A value near the top is written below its point, so it stays inside the chart.
      const vy = p.scoredPassRate > 0.9 ? y(p.scoredPassRate) + 16 : y(p.scoredPassRate) - 8;
      return (
        `<text class="value" x="${cx}" y="${f(vy)}" text-anchor="${anchor(i)}" font-weight="600">${pct(p.scoredPassRate)}</text>` +
        `<line x1="${cx}" y1="${f(H - BOTTOM)}" x2="${cx}" y2="${f(H - BOTTOM + 4)}" stroke="#57606a"/>` +
        `<text class="date" x="${cx}" y="${f(H - BOTTOM + 18)}" text-anchor="${anchor(i)}">${esc(day(p.scannedAt))}</text>`
      );
    })
    .join('');
  const line =
    pts.length > 1
      ? `<polyline fill="none" stroke="#0969da" stroke-width="2" points="${pts.map((p, i) => `${f(x(i))},${f(y(p.scoredPassRate))}`).join(' ')}"/>`
      : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="rkecis-trend" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif" font-size="11" fill="#1f2328">`,
    `<title>${esc(label)}</title>`,
    grid,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${H - BOTTOM}" stroke="#57606a"/>`,
    `<text x="${LEFT + plotW / 2}" y="${H - 6}" text-anchor="middle" fill="#57606a">scans, oldest first (date of each scan, UTC)</text>`,
    `<text x="12" y="${TOP + plotH / 2}" text-anchor="middle" fill="#57606a" transform="rotate(-90 12 ${TOP + plotH / 2})">scored pass rate</text>`,
    line,
    `<g fill="#0969da">${dots}</g>`,
    labels,
    '</svg>',
  ].join('');
}

/** Every scan of the trend as a table: what the chart shows, in words, for print and screen readers. */
export function trendTable(points: readonly TrendPoint[]): string {
  const rows = points.map(
    (p) =>
      `<tr><td>${esc(p.scannedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</td><td><code>${esc(p.id.slice(0, 12))}</code></td><td class="num">${p.scoredPassRate === null ? 'n/a' : pct(p.scoredPassRate)}</td></tr>`,
  );
  return `<table class="trend-data"><thead><tr><th>Scanned (UTC)</th><th>Scan</th><th>Scored pass rate</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
