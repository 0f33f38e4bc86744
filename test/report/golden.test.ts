import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import formats, { FORMAT_NAMES } from '../../src/report/formatters/index.js';
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
  it('has a golden file for every registered format, each under its own extension', () => {
    expect(new Set(Object.values(EXT)).size).toBe(FORMAT_NAMES.length);
    for (const [name] of CASES)
      for (const format of FORMAT_NAMES)
        expect(existsSync(goldenFile(`${name}.${EXT[format]}`)), `${name}.${EXT[format]}`).toBe(
          true,
        );
  });

  for (const [name, make] of CASES) {
    for (const format of FORMAT_NAMES) {
      it(`${format} of the ${name} report`, async () => {
        const out = (await formats[format].node())(deepFreeze(make()), {});
        expectGolden(goldenFile(`${name}.${EXT[format]}`), out);
      });
    }
  }
});
