import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { clusterText } from '../../src/report/formatters/cluster-text.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import { text } from '../../src/report/formatters/text.js';
import { colours } from '../../src/report/formatters/colors.js';
import {
  DEFAULT_WIDTH,
  columns,
  fill,
  outputWidth,
  paragraphs,
} from '../../src/report/formatters/wrap.js';
import { explainControl } from '../../src/cli/explain.js';
import { summarize } from '../../src/report/summary.js';
import type { NodeReport } from '../../src/report/types.js';
import { applyWaivers } from '../../src/waivers/apply.js';
import { loadWaivers } from '../../src/waivers/load.js';
import { sampleClusterReport } from '../helpers/sample-cluster.js';
import { bareReport, sampleReport } from '../helpers/sample-report.js';

/** Text output laid out for its reader (issue #13): filled to a width, commands whole, columns aligned. */

const hardened = (): NodeReport =>
  applyWaivers(
    evaluate(loadProfile('rke-cis-1.3.0'), readEvidence('examples/hardened-node.json')),
    loadWaivers('examples/waivers-rancher-known-failures.yaml'),
    '2024-05-06',
  );

/**
 * A line may pass the width only when it cannot be broken: one word after its indent (and its
 * label), or a command of the profile's audit, printed whole.
 */
function expectWithin(out: string, width: number, label: string, commands: string[] = []): void {
  for (const line of out.split('\n')) {
    if (columns(line) <= width || commands.includes(line.trim())) continue;
    expect(line, `${label}: ${line}`).toMatch(/^\s*(\S+:\s+)?\S+$/);
  }
}

describe('fill', () => {
  it.each([
    [
      'fills words to the width with a hanging indent',
      'one two three four five six seven eight nine ten eleven twelve thirteen',
      40,
      ['  one two three four five six seven', '    eight nine ten eleven twelve', '    thirteen'],
    ],
    [
      'never breaks a code span: a command moves to the next line whole',
      'After editing the file run `rke up --config cluster.yml` and check again.',
      40,
      ['  After editing the file run', '    `rke up --config cluster.yml` and', '    check again.'],
    ],
    [
      'lets a word wider than the line run past the width, on its own line',
      `see ${'x'.repeat(50)} here`,
      40,
      ['  see', `    ${'x'.repeat(50)}`, '    here'],
    ],
    ['keeps the spacing of evidence where it does not break', 'a  b   c', 40, ['  a  b   c']],
  ])('%s', (_name, input, width, lines) => {
    expect(fill(input, width, '  ', '    ')).toEqual(lines);
  });

  it('fills to at least 40 columns, however narrow the terminal', () => {
    expect(fill('a b c d e f g h i j k l m n o p q r s t', 10)).toEqual([
      'a b c d e f g h i j k l m n o p q r s t',
    ]);
  });

  it('keeps snippets line for line and fills sentences', () => {
    const remediation =
      'In the RKE cluster.yml set the option that is described here at some length:\n\nservices:\n  kube-api:\n    extra_args:\n      anonymous-auth: "false"\n\nThen run `rke up --config cluster.yml`.';
    expect(paragraphs(remediation, 50, '  ')).toEqual([
      '  In the RKE cluster.yml set the option that is',
      '  described here at some length:',
      '',
      '  services:',
      '    kube-api:',
      '      extra_args:',
      '        anonymous-auth: "false"',
      '',
      '  Then run `rke up --config cluster.yml`.',
    ]);
  });
});

describe('the width of text output', () => {
  it.each([
    ['a terminal of 132 columns', { isTTY: true, columns: 132 }, false, 132],
    ['a terminal of 60 columns', { isTTY: true, columns: 60 }, false, 60],
    ['a pipe', { isTTY: false }, false, DEFAULT_WIDTH],
    ['a terminal, but the report goes to a file', { isTTY: true, columns: 132 }, true, 100],
    ['a terminal that does not say its width', { isTTY: true }, false, 100],
  ])('%s', (_name, stream, toFile, width) => {
    expect(outputWidth(stream, toFile)).toBe(width);
  });
});

describe('the text report', () => {
  it.each([60, 80, 100, 132])('fills to %i columns, breaking nothing a reader copies', (width) => {
    const report = hardened();
    const out = text(report, { width, verbose: true });
    // Snippet lines (a cluster.yml fragment, a useradd command) are printed as they are.
    const snippets = report.results.flatMap((r) => r.remediation.split('\n').map((l) => l.trim()));
    expectWithin(out, width, `width ${width}`, snippets);
    // Every remediation command and snippet line is there whole.
    for (const r of report.results.filter((x) => x.status === 'fail')) {
      for (const code of r.remediation.matchAll(/`([^`\n]+)`/g)) expect(out).toContain(code[0]);
    }
    expect(out).toContain('\n                    kube-api:\n');
  });

  it('lines the ids up under each other, waived or not', () => {
    const out = text(hardened(), { width: 200 });
    const starts = out
      .split('\n')
      .filter((l) => l.startsWith('['))
      .map((l) => l.search(/\d+\.\d+\.\d+ /));
    expect(out).toContain('[FAIL (waived)] 1.1.21 ');
    expect(new Set(starts)).toEqual(new Set(['[FAIL (waived)] '.length]));
    // Without a waiver the column is as narrow as before.
    const bare = text(bareReport(), { width: 200 });
    expect(bare).toContain('[PASS]   1.1.2 ');
    expect(bare).toContain('[ERROR]  1.4.11 ');
  });

  it('colour codes take no columns: painted, the layout is the same', () => {
    const plain = text(hardened(), { width: 80 });
    // eslint-disable-next-line no-control-regex -- colour codes are what is removed
    const painted = text(hardened(), { width: 80, paint: colours }).replace(/\u001b\[\d+m/g, '');
    expect(painted).toBe(plain);
  });

  it('states the verdict and why, and the arithmetic of the scored pass rate', () => {
    const out = text(hardened());
    expect(out).toContain(
      '  scored: 96 controls: 72 pass, 8 fail, 0 error, 15 not applicable, 1 manual\n',
    );
    expect(out).toContain('  scored pass rate: 90.0% = 72 pass / (72 pass + 8 fail + 0 error)\n');
    expect(out).toContain('  result: Compliant: no unwaived scored failure or error (8 waived)\n');
    const failing = text(sampleReport());
    expect(failing).toContain(
      '  result: Not compliant: unwaived scored failures or errors: 1.1.10, 1.4.11\n',
    );
    const none = text({ ...bareReport(), results: [], summary: summarize([]) });
    expect(none).toContain('  result: Not compliant: no control was judged on this node\n');
    expect(none).toContain('  scored pass rate: n/a: no scored control was judged');
  });
});

describe('the cluster text report', () => {
  it.each([60, 100])('fills to %i columns', (width) => {
    expectWithin(renderedText(clusterTextOf(width)), width, `cluster, width ${width}`);
  });

  it('colour codes take no columns', () => {
    const plain = renderedText(clusterTextOf(60));
    const painted = renderedText(
      clusterText(sampleClusterReport(), { width: 60, verbose: true, paint: colours }),
    );
    // eslint-disable-next-line no-control-regex -- colour codes are what is removed
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('states the verdict, why, and the arithmetic', () => {
    const out = renderedText(clusterTextOf(100));
    expect(out).toContain(
      '  scored pass rate: 25.0% = 1 pass / (1 pass + 1 fail + 2 mixed + 0 error)\n',
    );
    expect(out.replace(/\n {4}/g, ' ')).toContain(
      '  result: Not compliant; coverage incomplete: 143 of 145 nodes scanned; unwaived scored failures or errors on some node: 1.1.10, 1.1.21, 1.4.11\n',
    );
  });
});

const clusterTextOf = (width: number): Iterable<string> =>
  clusterText(sampleClusterReport(), { width, verbose: true });

describe('explain', () => {
  it('fills the guide prose to the width and prints the audit command whole', () => {
    const c = loadProfile('rke-cis-1.3.0').controls.find((x) => x.id === '1.3.6');
    if (c === undefined) throw new Error('no 1.3.6');
    const out = explainControl(c, 60);
    expectWithin(
      out,
      60,
      'explain',
      c.audit.map((a) => a.command),
    );
    expect(out).toContain(`\n  ${c.audit[0]?.command ?? ''}\n`);
    expect(out).toContain('\n        feature-gates: "RotateKubeletServerCertificate=true"\n');
  });
});
