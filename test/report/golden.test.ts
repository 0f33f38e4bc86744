import { describe, expect, it } from 'vitest';
import formatters, { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import type { NodeReport } from '../../src/report/types.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { expectGolden, GOLDEN_EXT as EXT, goldenFile } from '../helpers/golden.js';
import { bareReport, sampleReport } from './sample-report.js';

/** Exact expected output of every formatter for two fixed reports (test/helpers/golden.ts). */

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
        expectGolden(goldenFile(`${name}.${EXT[format]}`), out);
      });
    }
  }
});
