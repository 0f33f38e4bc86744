import { describe, expect, it } from 'vitest';
import { labelled, trendSvg, trendTable } from '../../src/report/formatters/trend-svg.js';

describe('the trend chart', () => {
  it.each([
    [0, 100, []],
    [1, 568, [0]],
    [2, 568, [0, 1]],
    [5, 142, [0, 1, 2, 3, 4]],
    [14, 568 / 13, [0, 3, 6, 9, 13]],
    [30, 568 / 29, [0, 6, 12, 18, 29]],
  ])('labels %i points %f apart: %j', (n, spacing, want) => {
    const got = labelled(n, spacing);
    expect(got).toEqual(want);
    for (let i = 1; i < got.length; i++)
      expect(((got[i] ?? 0) - (got[i - 1] ?? 0)) * spacing).toBeGreaterThanOrEqual(100);
  });

  it('draws the axes, and a point per rated scan; lists every scan', () => {
    const points = [
      { id: 'a<b>', scannedAt: '2026-01-01T00:00:00.000Z', scoredPassRate: 0.5 },
      { id: 'c', scannedAt: '2026-01-02T00:00:00.000Z', scoredPassRate: null },
      { id: 'd', scannedAt: '2026-01-03T00:00:00.000Z', scoredPassRate: 1 },
    ];
    const svg = trendSvg(points);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    for (const tick of ['0%', '25%', '50%', '75%', '100%'])
      expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('>2026-01-01</text>');
    expect(svg).toContain('>2026-01-03</text>');
    expect(svg).toContain('>50.0%</text>');
    expect(svg).toContain('>100.0%</text>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toMatch(/\bstyle=/);
    const table = trendTable(points);
    expect(table.match(/<tr><td>/g)).toHaveLength(3);
    expect(table).toContain('<td class="num">n/a</td>');
    expect(table).toContain('a&lt;b&gt;');
  });

  it('says so when no scan has a rate', () => {
    const svg = trendSvg([{ id: 'x', scannedAt: '2026-01-01T00:00:00Z', scoredPassRate: null }]);
    expect(svg).toContain('aria-label="Scored pass rate over 0 stored scans"');
    expect(svg).not.toContain('<circle');
  });
});
