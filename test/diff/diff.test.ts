import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffScans, hasNewFailures } from '../../src/diff/diff.js';
import diffFormatters from '../../src/diff/formatters/index.js';
import type { DiffSide } from '../../src/diff/types.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { runMain } from '../helpers/run-main.js';
import { NODE_A, NODE_B, PROFILE_DIR, readFixture } from '../store/helpers.js';

const HARDENED = 'examples/hardened-node.json';
const INSECURE = 'examples/insecure-node.json';
const examples = existsSync(HARDENED) && existsSync(INSECURE);
const tmp = mkdtempSync(join(tmpdir(), 'rkecis-diff-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const side = (file: string, profile = PROFILE_DIR): DiffSide => {
  const evidence = readFixture(file);
  return { label: file, nodes: [{ report: evaluate(loadProfile(profile), evidence), evidence }] };
};

/** The control ids whose status differs, found the plain way. */
function naiveChanged(a: NodeReport, b: NodeReport): string[] {
  const before = new Map(a.results.map((r) => [r.id, r.status]));
  const after = new Map(b.results.map((r) => [r.id, r.status]));
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((id) => before.get(id) !== after.get(id))
    .sort();
}

describe('diffScans on the test fixtures', () => {
  it('names exactly the controls that differ, and why', () => {
    const d = diffScans(side(NODE_A), side(NODE_B));
    expect(d.pairs).toEqual([{ a: 'node-a', b: 'node-b', evidenceCompared: true }]);
    expect(d.controls.map((c) => `${c.id} ${c.kind} ${c.from}->${c.to}`)).toEqual([
      '1.1.2 new-failure pass->fail',
      '1.1.3 new-failure pass->fail',
    ]);
    expect(d.summary).toEqual({
      newFailures: 2,
      noLongerEvaluated: 0,
      fixed: 0,
      changed: 0,
      evidenceChanges: 2,
    });
    expect(hasNewFailures(d)).toBe(true);
    const back = diffScans(side(NODE_B), side(NODE_A));
    expect(back.controls.map((c) => c.kind)).toEqual(['fixed', 'fixed']);
    expect(hasNewFailures(back)).toBe(false);
  });

  it('prints the text diff', () => {
    const d = diffScans(side(NODE_A), side(NODE_B));
    expect(diffFormatters.text(d)).toBe(
      [
        `a: ${NODE_A} (node node-a)`,
        `b: ${NODE_B} (node node-b)`,
        'Comparing node node-a (a) with node node-b (b)',
        '',
        'Controls: 2 new failures, 0 fixed, 0 other changes',
        '  NEW FAILURE 1.1.2 Ensure that the --profiling argument is set to false (Scored): pass -> fail',
        '              actual: --profiling not set',
        '  NEW FAILURE 1.1.3 Ensure that the CA certificate file permissions are set to 644 or more',
        '              restrictive (Scored): pass -> fail',
        '              actual: 666',
        '',
        'Evidence: 2 changes',
        '  container kube-apiserver: --profiling=false removed',
        '  file /etc/kubernetes/ssl/kube-ca.pem: mode 644 -> 666',
        '',
      ].join('\n'),
    );
  });

  it('orders new failures first, then fixes, then other changes', () => {
    const a = side(NODE_A);
    const b = side(NODE_B);
    const mix = (r: NodeReport, statuses: Record<string, string>): NodeReport => ({
      ...r,
      results: r.results.map((x) => ({
        ...x,
        status: (statuses[x.id] ?? x.status) as typeof x.status,
      })),
    });
    const first = a.nodes[0]?.report as NodeReport;
    const d = diffScans(
      {
        label: 'a',
        nodes: [{ report: mix(first, { '1.1.1': 'fail', '1.1.5': 'manual', '1.1.4': 'pass' }) }],
      },
      {
        label: 'b',
        nodes: [
          { report: mix(first, { '1.1.1': 'pass', '1.1.5': 'not-applicable', '1.1.4': 'error' }) },
        ],
      },
    );
    expect(d.controls.map((c) => `${c.kind} ${c.id}`)).toEqual([
      'new-failure 1.1.4',
      'fixed 1.1.1',
      'changed 1.1.5',
    ]);
    expect(d.pairs[0]?.evidenceCompared).toBe(false);
    expect(b.nodes).toHaveLength(1);
  });

  it('pairs the nodes of multi-node sides by name: nodes added and gone', () => {
    const a = side(NODE_A).nodes[0];
    const b = side(NODE_B).nodes[0];
    if (a === undefined || b === undefined) throw new Error('no node');
    const renamed = (n: typeof a, name: string): typeof a => ({
      ...n,
      report: { ...n.report, node: { ...n.report.node, name } },
    });
    const d = diffScans(
      { label: 'x', nodes: [renamed(a, 'n1'), renamed(a, 'n2')] },
      { label: 'y', nodes: [renamed(b, 'n2'), renamed(a, 'n3')] },
    );
    expect(d.nodesAdded).toEqual(['n3']);
    expect(d.nodesGone).toEqual(['n1']);
    expect(d.pairs.map((p) => `${p.a}=${p.b}`)).toEqual(['n2=n2']);
    expect(d.controls.map((c) => `${c.node} ${c.id}`)).toEqual(['n2 1.1.2', 'n2 1.1.3']);
    expect(diffFormatters.text(d)).toContain('  NEW FAILURE [n2] 1.1.2 ');
    expect(diffFormatters.markdown(d)).toContain('- nodes added: `n3`');
  });

  it('escapes markdown table cells', () => {
    const d = diffScans(side(NODE_A), side(NODE_B));
    const withPipe = { ...d, controls: d.controls.map((c) => ({ ...c, title: 'a | b\nc' })) };
    expect(diffFormatters.markdown(withPipe)).toContain('| a \\| b<br>c |');
  });
});

describe.skipIf(!examples)('diff on the hardened and insecure example nodes (real profile)', () => {
  const profile = 'rke-cis-1.3.0';

  it('names exactly the controls whose status differs, new failures first, and the evidence behind them', () => {
    const a = side(HARDENED, profile);
    const b = side(INSECURE, profile);
    const d = diffScans(a, b);
    const ra = a.nodes[0]?.report as NodeReport;
    const rb = b.nodes[0]?.report as NodeReport;
    expect(d.controls.map((c) => c.id).sort()).toEqual(naiveChanged(ra, rb));
    expect(d.controls.length).toBeGreaterThan(10);
    const kinds = d.controls.map((c) => c.kind);
    expect(kinds.slice(0, d.summary.newFailures).every((k) => k === 'new-failure')).toBe(true);
    expect(d.controls.map((c) => c.id)).toEqual(
      expect.arrayContaining(['1.1.1', '1.1.8', '1.2.1', '1.3.2']),
    );
    const ev = diffFormatters.text(d);
    expect(ev).toContain('container kube-controller-manager: --profiling=false removed');
    expect(ev).toContain('container kube-scheduler: --profiling=false removed');
    expect(ev).toContain('container kube-apiserver: --profiling=false -> --profiling=true');
    expect(ev).toContain('container kube-scheduler: --address=127.0.0.1 -> --address=0.0.0.0');
    // Evaluated against itself, nothing differs.
    const same = diffScans(a, side(HARDENED, profile));
    expect(same.controls).toEqual([]);
    expect(same.evidence).toEqual([]);
  });

  it('rkecis diff on the bundles: --fail-on-new exits 1 one way, 0 the other; markdown and json', async () => {
    const worse = await runMain(['diff', HARDENED, INSECURE, '--fail-on-new']);
    expect(worse.code).toBe(1);
    expect(worse.stderr).toBe('');
    expect(worse.stdout).toMatch(/^Controls: \d+ new failures, 0 fixed, 0 other changes$/m);
    const better = await runMain(['diff', INSECURE, HARDENED, '--fail-on-new']);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/^Controls: 0 new failures, \d+ fixed/m);
    const json = JSON.parse((await runMain(['diff', HARDENED, INSECURE, '-f', 'json'])).stdout) as {
      summary: { newFailures: number };
    };
    expect(json.summary.newFailures).toBeGreaterThan(10);
    expect((await runMain(['diff', HARDENED, INSECURE, '-f', 'markdown'])).stdout).toMatch(
      /^\| \*\*new failure\*\* \| rke-insecure-1 \| 1\.1\.1 \|/m,
    );
  });

  it('rkecis diff on two JSON reports: controls compared, evidence not', async () => {
    const ra = join(tmp, 'a.json');
    const rb = join(tmp, 'b.json');
    await runMain(['evaluate', HARDENED, '-f', 'json', '--output', ra]);
    await runMain(['evaluate', INSECURE, '-f', 'json', '--output', rb]);
    const fromReports = await runMain(['diff', ra, rb, '-f', 'json']);
    const fromBundles = await runMain(['diff', HARDENED, INSECURE, '-f', 'json']);
    const ids = (s: string): string[] =>
      (JSON.parse(s) as { controls: { id: string }[] }).controls.map((c) => c.id);
    expect(ids(fromReports.stdout)).toEqual(ids(fromBundles.stdout));
    expect((await runMain(['diff', ra, rb])).stdout).toContain(
      '(not compared for rke-insecure-1: a side is a report without its evidence)',
    );
  });
});

describe('rkecis diff input errors: one message, exit 2', () => {
  it.each([
    [
      ['diff', 'no/such/file.json', NODE_B],
      /^rkecis: no\/such\/file\.json: no such file, and not a scan id\n$/,
    ],
    [['diff', PROFILE_DIR + '/profile.yaml', NODE_B], /^rkecis: .*profile\.yaml: not valid JSON/],
    [
      ['diff', 'package.json', NODE_B],
      /^rkecis: package\.json: neither an evidence bundle nor a JSON report/,
    ],
  ])('%j', async (args, message) => {
    const r = await runMain(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a scan id with no store', async () => {
    const r = await runMain(['diff', '01m8e4rp2a9pny6f', NODE_B, '--store', join(tmp, 'none.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rkecis: history store .*none\.db does not exist/);
  });
});
