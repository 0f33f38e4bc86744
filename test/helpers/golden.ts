import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import formats, { FORMAT_NAMES, type FormatName } from '../../src/report/formatters/index.js';

/**
 * Golden files: exact expected output kept under test/fixtures/reports/ (which prettier leaves
 * alone), so a change of output shows up as a reviewable diff. Regenerate after an intended
 * change with RKECIS_UPDATE_GOLDEN=1 and review the diff.
 */
/** A golden file's extension is its format's, from the format registry. */
export const GOLDEN_EXT = Object.fromEntries(
  FORMAT_NAMES.map((name) => [name, formats[name].extension]),
) as Record<FormatName, string>;

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
