import { describe, it } from 'vitest';
import { colours } from '../../src/report/formatters/colors.js';
import {
  FORMAT_NAMES,
  type FormatName,
  type FormatOptions,
} from '../../src/report/formatters/index.js';
import { formatters } from '../helpers/formatters.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import type { ClusterReport } from '../../src/report/types.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { expectGolden as golden, GOLDEN_EXT as EXT, goldenFile } from '../helpers/golden.js';
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

describe('cluster formatters: exact output', () => {
  for (const [name, make, formats] of CASES) {
    const report = deepFreeze(make());
    for (const format of formats) {
      it(`${format} of the ${name} report`, () => {
        golden(goldenFile(`${name}.${EXT[format]}`), renderedText(formatters[format](report, {})));
      });
    }
  }

  it('text in colour, verbose', () => {
    const options: FormatOptions = { paint: colours, verbose: true };
    golden(
      goldenFile('cluster-sample-verbose.txt'),
      renderedText(formatters.text(deepFreeze(sampleClusterReport()), options)),
    );
  });
});
