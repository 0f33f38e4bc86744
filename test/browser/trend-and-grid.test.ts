import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterHtml } from '../../src/report/formatters/cluster-html.js';
import { SYMBOL } from '../../src/report/formatters/cluster-grid.js';
import { html } from '../../src/report/formatters/html.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import type { TrendPoint } from '../../src/report/formatters/trend-svg.js';
import type { Status } from '../../src/report/types.js';
import { sampleClusterReport } from '../helpers/sample-cluster.js';
import { sampleReport } from '../helpers/sample-report.js';

/**
 * The node report's trend chart and the cluster report's grid of differing controls in Debian's
 * chromium (as test/browser/html-report.test.ts): on screen and as printed, under the report's
 * CSP, loading nothing.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI !== undefined && process.env.CI !== '') {
  throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
}
const ARTIFACTS = resolve('test-artifacts');

interface PageGlobals {
  getComputedStyle(e: unknown): { backgroundColor: string; display: string; visibility: string };
}

function writeArtifact(name: string, text: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = resolve(ARTIFACTS, name);
  writeFileSync(path, text);
  return pathToFileURL(path).href;
}

/** Fourteen scans over a month, one without a judged control. */
const TREND: TrendPoint[] = Array.from({ length: 14 }, (_, i) => ({
  id: `${i.toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
  scannedAt: `2026-03-${String(1 + i * 2).padStart(2, '0')}T08:00:00.000Z`,
  scoredPassRate: i === 5 ? null : Math.min(1, 0.55 + i * 0.035),
}));

describe.skipIf(!haveChromium)('trend chart and difference grid in headless Chromium', () => {
  let browser: Browser;
  const problems: string[] = [];
  const requests: string[] = [];

  async function open(name: string, doc: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${name}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
    const url = writeArtifact(name, doc);
    await page.goto(url);
    return page;
  }

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser.close();
  });

  it('the trend has axes, dates and values, on screen and in print', async () => {
    const page = await open('trend.html', html(sampleReport(), { trend: TREND }));
    const svg = page.locator('#trend svg.rkecis-trend');
    const rated = TREND.filter((p) => p.scoredPassRate !== null);
    for (const media of ['screen', 'print'] as const) {
      await page.emulateMedia({ media });
      await expect(svg.isVisible(), media).resolves.toBe(true);
      const box = await svg.boundingBox();
      expect(box?.width ?? 0, media).toBeGreaterThan(300);
      expect(box?.height ?? 0, media).toBeGreaterThan(100);
      // The rate axis, labelled from 0% to 100%.
      const texts = await svg.locator('text').allTextContents();
      for (const tick of ['0%', '25%', '50%', '75%', '100%']) expect(texts).toContain(tick);
      expect(texts).toContain('scored pass rate');
      // The dates of the first and last scans and values beside their points.
      const dates = await svg.locator('text.date').allTextContents();
      expect(dates[0]).toBe('2026-03-01');
      expect(dates.at(-1)).toBe('2026-03-27');
      expect(dates.length).toBeGreaterThanOrEqual(5);
      // No label runs into the next.
      for (const cls of ['date', 'value']) {
        const boxes = await svg.locator(`text.${cls}`).evaluateAll((es) =>
          es.map((e) => {
            // An SVGRect does not cross to the test as it is: its numbers do.
            const b = (e as unknown as { getBBox(): { x: number; width: number } }).getBBox();
            return { x: b.x, width: b.width };
          }),
        );
        for (let i = 1; i < boxes.length; i++) {
          const [a, b] = [boxes[i - 1], boxes[i]];
          expect((a?.x ?? 0) + (a?.width ?? 0), `${media}: ${cls} ${i}`).toBeLessThan(b?.x ?? 0);
        }
        // Inside the chart: nothing cut off at either end.
        expect(boxes[0]?.x ?? -1).toBeGreaterThanOrEqual(0);
        expect((boxes.at(-1)?.x ?? 0) + (boxes.at(-1)?.width ?? 0)).toBeLessThanOrEqual(640);
      }
      const values = await svg.locator('text.value').allTextContents();
      expect(values[0]).toBe('55.0%');
      expect(values.at(-1)).toBe('100.0%');
      await expect(svg.locator('circle').count()).resolves.toBe(rated.length);
      // Every scan, the unrated one too, in the table beside the chart.
      const rows = page.locator('#trend table.trend-data tbody tr');
      await expect(rows.count()).resolves.toBe(TREND.length);
      await expect(rows.nth(5).locator('td').nth(2).textContent()).resolves.toBe('n/a');
      await expect(page.locator('#trend table.trend-data').isVisible(), media).resolves.toBe(true);
    }
    await page.pdf({ path: resolve(ARTIFACTS, 'trend.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.locator('#trend').screenshot({ path: resolve(ARTIFACTS, 'trend.png') });
    await page.close();
  });

  it('the cluster report shows a grid of the differing controls, a colour and a symbol per status', async () => {
    const report = sampleClusterReport();
    const page = await open('cluster-grid.html', renderedText(clusterHtml(report)));
    const grid = page.locator('#differences table.grid');
    const mixed = report.results.filter((r) => r.status === 'mixed' && r.scope === 'node');
    await expect(grid.locator('thead th').allTextContents()).resolves.toEqual([
      'Node',
      ...mixed.map((r) => r.id),
    ]);
    // Each cell is its node's result for its control.
    const cell = grid
      .locator('tr', { has: page.locator('th', { hasText: /^cp-2$/ }) })
      .locator('td');
    const cp2 = mixed.map((r) => r.nodes['cp-2']);
    await expect(cell.count()).resolves.toBe(mixed.length);
    for (const [i, status] of cp2.entries()) {
      await expect(cell.nth(i).getAttribute('data-status')).resolves.toBe(status ?? null);
    }
    for (const media of ['screen', 'print'] as const) {
      await page.emulateMedia({ media });
      await expect(grid.isVisible(), media).resolves.toBe(true);
      // One colour per status, and one symbol per status for a reader without colour.
      const seen = new Map<string, { colour: string; symbol: string }>();
      for (const s of ['pass', 'fail', 'error'] as Status[]) {
        const c = grid.locator(`td[data-status="${s}"]`).first();
        const colour = await c.evaluate(
          (e) => (globalThis as unknown as PageGlobals).getComputedStyle(e).backgroundColor,
        );
        const symbol = (await c.locator('span[aria-hidden]').textContent()) ?? '';
        expect(symbol).toBe(SYMBOL[s]);
        seen.set(s, { colour, symbol });
      }
      expect(new Set([...seen.values()].map((v) => v.colour)).size, media).toBe(3);
      expect(new Set([...seen.values()].map((v) => v.symbol)).size, media).toBe(3);
    }
    await page.pdf({ path: resolve(ARTIFACTS, 'cluster-grid.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.locator('#differences').screenshot({ path: resolve(ARTIFACTS, 'cluster-grid.png') });
    await page.close();
  });

  it('loads nothing, with no CSP violation or script error', () => {
    expect(problems).toEqual([]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
  });
});
