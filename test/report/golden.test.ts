import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import formatters, { FORMAT_NAMES, type FormatName } from '../../src/report/formatters/index.js';
import type { NodeReport } from '../../src/report/types.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { bareReport, sampleReport } from './sample-report.js';

/**
 * Exact expected output of every formatter for two fixed reports, kept as files under
 * test/fixtures/reports/ (which prettier leaves alone) so a change of output shows up as a reviewable diff.
 * Regenerate after an intended change with RKECIS_UPDATE_GOLDEN=1 and review the diff.
 */
const EXT: Record<FormatName, string> = {
  text: 'txt',
  json: 'json',
  junit: 'xml',
  sarif: 'sarif',
  markdown: 'md',
  html: 'html',
};
const DIR = new URL('../fixtures/reports/', import.meta.url);
const update = process.env.RKECIS_UPDATE_GOLDEN === '1';

const CASES: [string, () => NodeReport][] = [
  ['sample', sampleReport],
  ['bare', bareReport],
];

describe('formatters: exact output', () => {
  it('has a golden file for every registered format', () => {
    expect(Object.keys(EXT).sort()).toEqual([...FORMAT_NAMES].sort());
  });

  for (const [name, make] of CASES) {
    for (const format of FORMAT_NAMES) {
      it(`${format} of the ${name} report`, () => {
        const out = formatters[format](deepFreeze(make()), {});
        const file = new URL(`${name}.${EXT[format]}`, DIR);
        if (update || !existsSync(file)) {
          if (!update) throw new Error(`missing ${file.pathname}; run with RKECIS_UPDATE_GOLDEN=1`);
          mkdirSync(DIR, { recursive: true });
          writeFileSync(file, out);
        }
        expect(out).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});
