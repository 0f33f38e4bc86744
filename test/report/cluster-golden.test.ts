import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { colours } from '../../src/report/formatters/colors.js';
import formatters, {
  FORMAT_NAMES,
  type FormatName,
  type FormatOptions,
} from '../../src/report/formatters/index.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import type { ClusterReport } from '../../src/report/types.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import {
  completeClusterReport,
  emptyClusterReport,
  sampleClusterReport,
} from './sample-cluster.js';

/**
 * Exact expected output of every cluster formatter, as golden.test.ts keeps the node formatters'
 * (test/fixtures/reports/cluster-*; regenerate with RKECIS_UPDATE_GOLDEN=1 and review the diff).
 * Cluster formatters may hand their output over in pieces: the pieces joined are what is compared.
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

// SARIF names failing nodes only, so it is the same whichever node maps the report keeps.
const CASES: [string, () => ClusterReport, readonly FormatName[]][] = [
  ['cluster-sample', () => sampleClusterReport('all'), FORMAT_NAMES],
  [
    'cluster-failing',
    () => sampleClusterReport('failing'),
    FORMAT_NAMES.filter((f) => f !== 'sarif'),
  ],
  ['cluster-empty', emptyClusterReport, FORMAT_NAMES],
  ['cluster-complete', completeClusterReport, FORMAT_NAMES.filter((f) => f !== 'json')],
];

function golden(file: URL, out: string): void {
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`missing ${file.pathname}; run with RKECIS_UPDATE_GOLDEN=1`);
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, out);
  }
  expect(out).toBe(readFileSync(file, 'utf8'));
}

describe('cluster formatters: exact output', () => {
  for (const [name, make, formats] of CASES) {
    const report = deepFreeze(make());
    for (const format of formats) {
      it(`${format} of the ${name} report`, () => {
        golden(
          new URL(`${name}.${EXT[format]}`, DIR),
          renderedText(formatters[format](report, {})),
        );
      });
    }
  }

  it('text in colour, verbose', () => {
    const options: FormatOptions = { paint: colours, verbose: true };
    golden(
      new URL('cluster-sample-verbose.txt', DIR),
      renderedText(formatters.text(deepFreeze(sampleClusterReport()), options)),
    );
  });
});
