import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { html } from '../../src/report/formatters/html.js';
import type { NodeReport, Status } from '../../src/report/types.js';
import { applyWaivers } from '../../src/waivers/apply.js';
import { loadWaivers } from '../../src/waivers/load.js';
import { HOSTILE, sampleReport } from '../helpers/sample-report.js';

/**
 * The HTML report in a real browser: Debian's chromium, driven by playwright-core (.ci/run
 * installs it). Without it the suite is skipped locally, but fails in CI, where it must be.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI !== undefined && process.env.CI !== '') {
  throw new Error(
    `${CHROMIUM} is missing: .ci/run must install Debian's chromium for the browser tests`,
  );
}

const ARTIFACTS = resolve('test-artifacts');

interface PageGlobals {
  getComputedStyle(e: unknown): { color: string };
  __pwned?: number;
}

/** The hardened example node with Rancher's known failures waived, as `rkecis evaluate` makes it. */
function hardenedReport(): NodeReport {
  const report = evaluate(
    loadProfile('rke-cis-1.3.0'),
    readEvidence('examples/hardened-node.json'),
  );
  const stamped = { rkecisVersion: '0.0.0-test', generatedAt: '2024-05-06T07:08:09Z', ...report };
  return applyWaivers(
    stamped,
    loadWaivers('examples/waivers-rancher-known-failures.yaml'),
    '2024-05-06',
  );
}

function writeArtifact(name: string, text: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = resolve(ARTIFACTS, name);
  writeFileSync(path, text);
  return pathToFileURL(path).href;
}

describe.skipIf(!haveChromium)('html report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];
  const report = hardenedReport();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(writeArtifact('html-report.html', html(report)));
  });

  afterAll(async () => {
    await browser.close();
  });

  it('loads nothing but itself, with no CSP violation or script error', () => {
    expect(requests).toEqual([page.url()]);
    expect(problems).toEqual([]);
  });

  it('runs its script and applies its style (both allowed by their CSP hashes)', async () => {
    await expect(page.locator('#filters').isVisible()).resolves.toBe(true);
    const badge = await page
      .locator('#control-1\\.1\\.21 .badge')
      // tsconfig has no DOM library: the page's own globals are typed here by hand.
      .evaluate((e) => (globalThis as unknown as PageGlobals).getComputedStyle(e).color);
    expect(badge).toBe('rgb(255, 255, 255)');
  });

  it('shows the summary counts', async () => {
    for (const s of ['pass', 'fail', 'error', 'not-applicable', 'manual'] as Status[]) {
      await expect(page.locator(`[data-count="${s}"]`).textContent()).resolves.toBe(
        String(report.summary[s]),
      );
    }
    await expect(page.locator('[data-count="total"]').textContent()).resolves.toBe(
      String(report.summary.total),
    );
    await expect(page.locator('[data-count="waived"]').textContent()).resolves.toBe('8');
    await expect(page.locator('#verdict').textContent()).resolves.toBe('Result: Compliant');
    await expect(page.locator('svg.chart rect').count()).resolves.toBe(
      (['pass', 'fail', 'error', 'not-applicable', 'manual'] as Status[]).filter(
        (s) => report.summary[s] > 0,
      ).length,
    );
  });

  it("shows one control's evidence, result and waiver", async () => {
    const r = report.results.find((x) => x.id === '1.4.11');
    const c = page.locator('#control-1\\.4\\.11');
    await expect(c.locator('.returned').textContent()).resolves.toBe(r?.actual);
    await expect(c.locator('dd.result').textContent()).resolves.toBe('Fail (waived)');
    await expect(c.locator('dd.waiver').textContent()).resolves.toContain(
      'Rancher (Self-Assessment Guide v2.1)',
    );
  });

  it('filters controls by status', async () => {
    const total = report.results.length;
    const visible = () => page.locator('article.control:visible').count();
    await expect(visible()).resolves.toBe(total);
    for (const s of ['pass', 'not-applicable', 'manual', 'error'] as Status[]) {
      await page.locator(`#filters input[data-status="${s}"]`).uncheck();
    }
    await expect(visible()).resolves.toBe(report.summary.fail);
    await expect(page.locator('#filter-shown').textContent()).resolves.toBe(
      `Showing ${report.summary.fail} of ${total} controls`,
    );
    // A section without a failure disappears with its controls.
    await expect(page.locator('#section-1\\.2').isVisible()).resolves.toBe(false);
    await expect(page.locator('#control-1\\.1\\.21').isVisible()).resolves.toBe(true);
    await page.screenshot({
      path: resolve(ARTIFACTS, 'html-report-failures.png'),
      fullPage: false,
    });
    // Following a link to a hidden control shows everything again.
    await page.goto(`${page.url().replace(/#.*$/, '')}#control-1.1.1`);
    await expect(page.locator('#control-1\\.1\\.1').isVisible()).resolves.toBe(true);
    await expect(visible()).resolves.toBe(total);
  });

  it('prints without the filter bar, and saves a screenshot and a PDF', async () => {
    await page.goto(page.url().replace(/#.*$/, '#summary'));
    await page.screenshot({ path: resolve(ARTIFACTS, 'html-report.png'), fullPage: false });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#filters').isVisible()).resolves.toBe(false);
    await page.pdf({ path: resolve(ARTIFACTS, 'html-report.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows hostile evidence as text and runs none of it', async () => {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(writeArtifact('html-report-hostile.html', html(sampleReport())));
    await expect(
      p.evaluate(() => (globalThis as unknown as PageGlobals).__pwned),
    ).resolves.toBeUndefined();
    await expect(p.locator('#control-1\\.1\\.10 .returned').textContent()).resolves.toBe(
      HOSTILE.replace('\u0001', '\\x01'),
    );
    await expect(p.locator('#control-1\\.1\\.10 .returned img').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await p.close();
  });
});
