import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FormatName } from '../../src/report/formatters/names.js';

/**
 * Golden files: exact expected output kept under test/fixtures/reports/ (which prettier leaves
 * alone), so a change of output shows up as a reviewable diff. Regenerate after an intended
 * change with RKECIS_UPDATE_GOLDEN=1 and review the diff.
 */
export const GOLDEN_EXT: Record<FormatName, string> = {
  text: 'txt',
  json: 'json',
  junit: 'xml',
  sarif: 'sarif',
  markdown: 'md',
  html: 'html',
};

const DIR = new URL('../fixtures/reports/', import.meta.url);
const update = process.env.RKECIS_UPDATE_GOLDEN === '1';

/** The golden file of that name under test/fixtures/reports/. */
export const goldenFile = (name: string): URL => new URL(name, DIR);

/** Compares output with its golden file (writing it with RKECIS_UPDATE_GOLDEN=1). */
export function expectGolden(file: URL, out: string): void {
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`missing ${file.pathname}; run with RKECIS_UPDATE_GOLDEN=1`);
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, out);
  }
  expect(out).toBe(readFileSync(file, 'utf8'));
}
