/** One stored scan's place in a node's trend. */
export interface TrendPoint {
  id: string;
  scannedAt: string;
  scoredPassRate: number | null;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The trend as a small inline SVG (no script, no external resource) for the html report: one
 * point per scan, pass rate 0-100% bottom to top; scans with no judged control are left out.
 */
export function trendSvg(points: readonly TrendPoint[], width = 320, height = 80): string {
  const pts = points.filter(
    (p): p is TrendPoint & { scoredPassRate: number } => p.scoredPassRate !== null,
  );
  const pad = 6;
  const x = (i: number): number =>
    pts.length < 2 ? width / 2 : pad + (i * (width - 2 * pad)) / (pts.length - 1);
  const y = (r: number): number => pad + (1 - r) * (height - 2 * pad);
  const coords = pts.map((p, i) => `${x(i).toFixed(1)},${y(p.scoredPassRate).toFixed(1)}`);
  const label = `Scored pass rate over ${pts.length} stored scan${pts.length === 1 ? '' : 's'}`;
  const dots = pts
    .map(
      (p, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.scoredPassRate).toFixed(1)}" r="2.5"><title>${esc(`${p.scannedAt} ${p.id}: ${(p.scoredPassRate * 100).toFixed(1)}%`)}</title></circle>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="rkecis-trend" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">`,
    `<title>${esc(label)}</title>`,
    `<line x1="${pad}" y1="${y(1)}" x2="${width - pad}" y2="${y(1)}" stroke="currentColor" stroke-opacity="0.2"/>`,
    `<line x1="${pad}" y1="${y(0)}" x2="${width - pad}" y2="${y(0)}" stroke="currentColor" stroke-opacity="0.2"/>`,
    pts.length > 1
      ? `<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${coords.join(' ')}"/>`
      : '',
    `<g fill="currentColor">${dots}</g>`,
    '</svg>',
  ].join('');
}
