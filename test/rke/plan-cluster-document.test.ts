import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { nodeReportsOf } from '../../src/report/cluster-nodes.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { runMain, tmp } from './helpers.js';

/**
 * `rkecis plan` of a cluster is one document in every format: the planned nodes' reports merged
 * as a cluster scan merges scanned ones, written through the same -o FORMAT=FILE path, with
 * waivers. `--node` gives that node's report.
 */
const HARDENED = 'examples/cluster-hardened.yml';
const WAIVERS = 'examples/waivers-rancher-known-failures.yaml';
const FORMATS = {
  text: 'txt',
  json: 'json',
  junit: 'xml',
  sarif: 'sarif',
  markdown: 'md',
  html: 'html',
};

describe('rkecis plan of a cluster: one document, every format', () => {
  it('writes all six formats in one run, each of the whole cluster and said to be a plan', async () => {
    const dir = tmp();
    const r = await runMain([
      'plan',
      HARDENED,
      '--format',
      'json',
      ...Object.entries(FORMATS).flatMap(([f, ext]) => ['-o', `${f}=${join(dir, `plan.${ext}`)}`]),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ClusterReport;
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(r.stdout);
    const read = (ext: string): string => readFileSync(join(dir, `plan.${ext}`), 'utf8');
    expect(read('txt')).toMatch(
      /^Plan: planned from examples\/cluster-hardened\.yml, not scanned/m,
    );
    expect(read('md')).toContain(
      'filled in by rkecis for the 3 planned nodes of cluster rke-hardened',
    );
    expect(read('md')).toContain('This is a plan, made before deployment: no node was scanned.');
    expect(read('html')).toContain('planned from examples/cluster-hardened.yml, not scanned');
    const junit = new XMLParser({ ignoreAttributes: false }).parse(read('xml')) as {
      testsuites: unknown;
    };
    expect(junit.testsuites).toBeDefined();
    const sarif = JSON.parse(read('sarif')) as { runs: { results: { locations?: unknown }[] }[] };
    // One SARIF result per failing node: 1.1.21 fails on the controlplane, 2.1.9 on every node.
    expect(sarif.runs[0]?.results.length).toBeGreaterThanOrEqual(
      report.results.filter((x) => x.failingNodes.length > 0).length,
    );
    for (const ext of Object.values(FORMATS)) expect(read(ext), ext).toContain('rke-worker-2');
  });

  it('--waivers applies to the plan, and the known failures waived make it compliant', async () => {
    const r = await runMain(['plan', HARDENED, '--format', 'json', '--waivers', WAIVERS]);
    const report = JSON.parse(r.stdout) as ClusterReport;
    expect(report.waivers?.applied.map((w) => w.control)).toEqual(
      expect.arrayContaining(['1.1.21', '1.3.6', '2.1.3', '2.1.9', '2.1.13', '2.1.14']),
    );
    const r219 = report.results.find((x) => x.id === '2.1.9');
    expect(r219?.status).toBe('fail');
    expect(r219?.waiver?.justification).toBeDefined();
    // 1.5.7 still fails on every node, unwaived, but it is not scored.
    const unwaived = report.results.filter(
      (x) => x.failingNodes.length > 0 && x.waiver === undefined,
    );
    expect(unwaived.map((x) => [x.id, x.scored])).toEqual([['1.5.7', false]]);
    expect(r.code).toBe(0);
  });

  it('a bad waiver or output writes nothing, exit 2', async () => {
    const dir = tmp();
    const bad = join(dir, 'w.yaml');
    writeFileSync(
      bad,
      "apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n  - control: '9.9.9'\n    justification: x\n",
    );
    const r = await runMain([
      'plan',
      HARDENED,
      '--waivers',
      bad,
      '-o',
      `html=${join(dir, 'p.html')}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/control 9\.9\.9 is not in profile rke-cis-1\.3\.0/);
    expect(existsSync(join(dir, 'p.html'))).toBe(false);
    const noFormat = await runMain(['plan', HARDENED, '-o', join(dir, 'p.html')]);
    expect(noFormat.code).toBe(2);
    expect(readdirSync(dir)).toEqual(['w.yaml']);
  });

  it('--node: the node report, in any format, with -o', async () => {
    const dir = tmp();
    const r = await runMain([
      'plan',
      HARDENED,
      '--node',
      'rke-worker-1',
      '--format',
      'sarif',
      '-o',
      `html=${join(dir, 'n.html')}`,
    ]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { version: string }).version).toBe('2.1.0');
    expect(readFileSync(join(dir, 'n.html'), 'utf8')).toContain('rke-worker-1');
  });

  it('remediate reads the cluster plan node by node', async () => {
    const r = await runMain(['plan', 'examples/cluster-default.yml', '--format', 'json']);
    const nodes = nodeReportsOf(JSON.parse(r.stdout) as ClusterReport);
    expect(nodes.map((n) => n.node.name)).toEqual(['rke-cp-1', 'rke-worker-1', 'rke-worker-2']);
    const cp = nodes[0] as NodeReport;
    expect(cp.node.rolesSource).toBe('declared');
    expect(cp.results.find((x) => x.id === '1.1.1')).toMatchObject({
      status: 'fail',
      actual: '--anonymous-auth not set',
    });
    // Cluster-scoped controls go with the controlplane node, as in a node's own plan.
    expect(cp.results.some((x) => x.id === '1.7.1')).toBe(true);
    expect(nodes[1]?.results.some((x) => x.id === '1.7.1')).toBe(false);
  });
});
