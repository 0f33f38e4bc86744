import { describe, expect, it } from 'vitest';
import { differenceGrid, differenceSection } from '../../src/report/formatters/cluster-grid.js';
import { html as esc } from '../../src/report/formatters/html-escape.js';
import { completeClusterReport, sampleClusterReport } from '../helpers/sample-cluster.js';

describe('the grid of controls whose result differs across nodes', () => {
  it('has a column per mixed node control and a row per node, most failures first', () => {
    const report = sampleClusterReport();
    const grid = differenceGrid(report);
    const mixed = report.results.filter((r) => r.status === 'mixed' && r.scope === 'node');
    expect(grid.controls.map((r) => r.id)).toEqual(mixed.map((r) => r.id));
    expect(grid.rows).toHaveLength(100);
    expect(grid.hidden).toBe(report.nodes.length - 100);
    for (let i = 1; i < grid.rows.length; i++)
      expect(grid.rows[i - 1]?.failing ?? 0).toBeGreaterThanOrEqual(grid.rows[i]?.failing ?? 0);
    for (const row of grid.rows)
      expect(row.cells).toEqual(grid.controls.map((r) => r.nodes[row.node]));
  });

  it('with node maps of failing nodes only, names only failing nodes and says so', () => {
    const report = sampleClusterReport('failing');
    const grid = differenceGrid(report);
    expect(grid.failingOnly).toBe(true);
    for (const row of grid.rows) expect(row.failing).toBeGreaterThan(0);
    const section = differenceSection(report, esc);
    expect(section).toContain('passing nodes are not named in this report');
    expect(section).toContain('<span class="cell none">·</span> not failing');
  });

  it('escapes node names and marks every cell with a symbol and its status in words', () => {
    const section = differenceSection(sampleClusterReport(), esc);
    expect(section).not.toContain('<b>&');
    expect(section).toContain('odd &lt;b&gt;&amp;&quot;name&quot;');
    for (const m of section.matchAll(/<td class="cell s-(\w[\w-]*)"[^>]*>(.*?)<\/td>/g)) {
      expect(m[2]).toMatch(/<span aria-hidden="true">[✓✗!–?]<\/span><span class="sr">\w/);
    }
  });

  it('is left out when every control has one result on every node', () => {
    const report = completeClusterReport();
    const same = { ...report, results: report.results.filter((r) => r.status !== 'mixed') };
    expect(differenceSection(same, esc)).toBe('');
  });
});
