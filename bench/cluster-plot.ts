/**
 * The cluster benchmark's plot: wall time against nodes, one line per concurrency for
 * `rkecis cluster` and one for the guide's commands over ssh, both axes logarithmic. Plain SVG
 * written by hand (no dependency), readable on GitHub's light and dark themes.
 */

export interface PlotSeries {
  label: string;
  points: { nodes: number; seconds: number }[];
  dashed?: boolean;
  /** Index into the palette: a concurrency keeps its colour across series. */
  colour?: number;
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#d62728', '#8c564b'];

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const fmt = (x: number): string => (x >= 1 ? x.toLocaleString('en-US') : String(x));

/** Powers of ten covering [lo, hi] (at least one decade). */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  const top = Math.max(Math.ceil(Math.log10(hi)), Math.floor(Math.log10(lo)) + 1);
  for (let e = Math.floor(Math.log10(lo)); e <= top; e++) out.push(10 ** e);
  return out;
}

/** 2× and 5× each decade, labelled when the axis spans few decades. */
const minors = (ds: readonly number[]): number[] => ds.slice(0, -1).flatMap((d) => [2 * d, 5 * d]);

export function clusterPlotSvg(series: readonly PlotSeries[], title: string, note: string): string {
  const W = 720;
  const H = 440;
  const m = { left: 70, right: 170, top: 56, bottom: 56 };
  const all = series.flatMap((s) => s.points).filter((p) => p.nodes > 0 && p.seconds > 0);
  if (all.length === 0) throw new Error('nothing to plot');
  const xs = decades(Math.min(...all.map((p) => p.nodes)), Math.max(...all.map((p) => p.nodes)));
  const ys = decades(
    Math.min(...all.map((p) => p.seconds)),
    Math.max(...all.map((p) => p.seconds)),
  );
  const [x0, x1] = [xs[0] as number, xs.at(-1) as number];
  const [y0, y1] = [ys[0] as number, ys.at(-1) as number];
  const span = (v: number, lo: number, hi: number): number =>
    hi === lo ? 0.5 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  const px = (v: number): number => m.left + span(v, x0, x1) * (W - m.left - m.right);
  const py = (v: number): number => H - m.bottom - span(v, y0, y1) * (H - m.top - m.bottom);
  const r = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="bold" fill="#222">${esc(title)}</text>`,
    `<text x="${m.left}" y="40" fill="#555">${esc(note)}</text>`,
  ];
  const fewX = xs.length <= 3;
  const fewY = ys.length <= 3;
  for (const x of minors(xs)) {
    out.push(
      `<line x1="${r(px(x))}" y1="${m.top}" x2="${r(px(x))}" y2="${H - m.bottom}" stroke="#f0f0f0"/>`,
      ...(fewX
        ? [
            `<text x="${r(px(x))}" y="${H - m.bottom + 16}" text-anchor="middle" fill="#777">${fmt(x)}</text>`,
          ]
        : []),
    );
  }
  for (const y of minors(ys)) {
    out.push(
      `<line x1="${m.left}" y1="${r(py(y))}" x2="${W - m.right}" y2="${r(py(y))}" stroke="#f0f0f0"/>`,
      ...(fewY
        ? [
            `<text x="${m.left - 6}" y="${r(py(y) + 4)}" text-anchor="end" fill="#777">${fmt(y)} s</text>`,
          ]
        : []),
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${r(px(x))}" y1="${m.top}" x2="${r(px(x))}" y2="${H - m.bottom}" stroke="#ddd"/>`,
      `<text x="${r(px(x))}" y="${H - m.bottom + 16}" text-anchor="middle" fill="#333">${fmt(x)}</text>`,
    );
  }
  for (const y of ys) {
    out.push(
      `<line x1="${m.left}" y1="${r(py(y))}" x2="${W - m.right}" y2="${r(py(y))}" stroke="#ddd"/>`,
      `<text x="${m.left - 6}" y="${r(py(y) + 4)}" text-anchor="end" fill="#333">${fmt(y)} s</text>`,
    );
  }
  out.push(
    `<text x="${r((m.left + W - m.right) / 2)}" y="${H - 14}" text-anchor="middle" fill="#333">nodes</text>`,
    `<text x="16" y="${r((m.top + H - m.bottom) / 2)}" text-anchor="middle" fill="#333" transform="rotate(-90 16 ${r((m.top + H - m.bottom) / 2)})">wall time</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[(s.colour ?? i) % COLOURS.length] as string;
    const pts = [...s.points].sort((a, b) => a.nodes - b.nodes);
    const path = pts.map((p) => `${r(px(p.nodes))},${r(py(p.seconds))}`).join(' ');
    out.push(
      `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      ...pts.map(
        (p) =>
          `<circle cx="${r(px(p.nodes))}" cy="${r(py(p.seconds))}" r="3.5" fill="${colour}"><title>${esc(`${s.label}: ${fmt(p.nodes)} nodes, ${p.seconds.toFixed(2)} s`)}</title></circle>`,
      ),
    );
    const ly = m.top + 10 + i * 20;
    out.push(
      `<line x1="${W - m.right + 14}" y1="${ly}" x2="${W - m.right + 40}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${W - m.right + 46}" y="${ly + 4}" fill="#222">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
