import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import { formatters } from '../helpers/formatters.js';
import { compareIds } from '../../src/report/order.js';
import { bareReport, sampleReport } from './sample-report.js';

describe('formatters are deterministic', () => {
  for (const format of FORMAT_NAMES) {
    it(`${format}: same report, same output, whatever the order of results`, () => {
      const report = sampleReport();
      const reversed = { ...report, results: [...report.results].reverse() };
      const first = formatters[format](report, {});
      expect(formatters[format](report, {})).toBe(first);
      // json is the report itself, in the order given; every other format sorts.
      if (format !== 'json') expect(formatters[format](reversed, {})).toBe(first);
    });

    it(`${format}: no date or time unless the report carries one`, () => {
      const out = formatters[format](bareReport(), {});
      expect(out).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      expect(out).not.toContain(String(new Date().getUTCFullYear()));
    });
  }

  it('orders control ids numerically, as the guide does', () => {
    expect(['1.1.10', '2.1.1', '1.1.2', '1.10.1', '1.2', '1.1.1'].sort(compareIds)).toEqual([
      '1.1.1',
      '1.1.2',
      '1.1.10',
      '1.2',
      '1.10.1',
      '2.1.1',
    ]);
  });
});
