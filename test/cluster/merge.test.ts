import { describe, expect, it } from 'vitest';
import { clusterNotCompliant, createClusterMerger, MAX_OUTCOMES } from '../../src/cluster/merge.js';
import { evaluateClusterScope } from '../../src/cluster/cluster-scope.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence, Role } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { NodeReport, Result, Status } from '../../src/report/types.js';

const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const insecure = readEvidence('examples/insecure-node.json');

const named = (ev: Evidence, name: string, roles?: Role[]): Evidence => ({
  ...ev,
  node: { name },
  ...(roles !== undefined ? { roles: { detected: roles, source: 'declared' } } : {}),
});
const report = (ev: Evidence): NodeReport => evaluate(profile, ev);
const CLUSTER = { cluster: { name: 'c', source: 'test' } };

/** A small report with one control of the given statuses, for shape tests. */
function tiny(node: string, results: Partial<Result>[]): NodeReport {
  const base = report(named(hardened, node));
  return {
    ...base,
    node: { ...base.node, name: node },
    results: results.map((r) => ({ ...(base.results[0] as Result), ...r })),
  };
}

describe('createClusterMerger', () => {
  it('gives each control its status on each node, and an overall one', () => {
    const m = createClusterMerger({ profile });
    m.add(report(named(hardened, 'a')));
    m.add(report(named(insecure, 'b')));
    m.add(report(named(hardened, 'c')));
    const r = m.finish(CLUSTER);
    const get = (id: string) => r.results.find((x) => x.id === id);
    // 1.1.1 anonymous-auth: the insecure node fails it.
    expect(get('1.1.1')).toMatchObject({
      status: 'mixed',
      nodes: { a: 'pass', b: 'fail', c: 'pass' },
      failingNodes: ['b'],
      scope: 'node',
    });
    expect(get('1.1.1')?.findings.map((f) => [f.status, f.count, f.nodes])).toEqual([
      ['fail', 1, ['b']],
      ['pass', 2, ['a', 'c']],
    ]);
    expect(get('1.1.1')?.reason).toBe('differs across nodes: fail on b; pass on a, c');
    // A control all three agree on keeps its value.
    const same = r.results.find((x) => x.scope === 'node' && x.status === 'pass');
    expect(same?.findings).toHaveLength(1);
    expect(same?.actual).toBe(same?.findings[0]?.actual);
    expect(r.nodes.map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect(r.results.map((x) => x.id)).toEqual(profile.controls.map((c) => c.id));
    expect(clusterNotCompliant(r)).toBe(true);
  });

  it('keeps the node result field names, in their order, and adds nodes', () => {
    const m = createClusterMerger({ profile });
    const node = report(named(hardened, 'a'));
    m.add(node);
    const r = m.finish(CLUSTER);
    const first = r.results[0];
    const keys = Object.keys(node.results[0] as Result).filter((k) => k !== 'reason');
    expect(Object.keys(first ?? {}).slice(0, keys.length)).toEqual(keys);
    expect(first).toHaveProperty('nodes', { a: (node.results[0] as Result).status });
  });

  it('evaluates cluster-scoped controls once: from addCluster, else the first node that has them', () => {
    const implicit = createClusterMerger({ profile });
    implicit.add(report(named(insecure, 'b')));
    implicit.add(report(named(hardened, 'a')));
    const r1 = implicit.finish(CLUSTER);
    const psp = r1.results.find((x) => x.id === '1.7.2');
    expect(psp).toMatchObject({ scope: 'cluster', nodes: {}, failingNodes: [] });
    expect(psp?.status).toBe(report(insecure).results.find((x) => x.id === '1.7.2')?.status);
    expect(r1.cluster.clusterEvidence).toBe('b');

    const explicit = createClusterMerger({ profile });
    explicit.add(report(named(insecure, 'b')));
    explicit.addCluster(evaluateClusterScope(profile, 'c', hardened.kubernetes), 'kubeconfig x');
    const r2 = explicit.finish(CLUSTER);
    expect(r2.results.find((x) => x.id === '1.7.2')?.status).toBe(
      report(hardened).results.find((x) => x.id === '1.7.2')?.status,
    );
    expect(r2.cluster.clusterEvidence).toBe('kubeconfig x');
    expect(r2.results.filter((x) => x.role === 'cluster')).toHaveLength(15);
  });

  it('reports a control no scanned node could evaluate as an error, naming the missed nodes', () => {
    const m = createClusterMerger({ profile });
    m.add(report(named(hardened, 'w', ['worker'])));
    m.notScanned({ name: 'etcd-1', roles: ['etcd'], reason: 'connection refused' });
    const r = m.finish({
      ...CLUSTER,
      expected: {
        from: 'cluster.yml',
        nodes: [
          { name: 'w', roles: ['worker'] },
          { name: 'etcd-1', roles: ['etcd'] },
          { name: 'cp-1', roles: ['controlplane'] },
        ],
      },
    });
    const etcd = r.results.find((x) => x.id === '1.5.1');
    expect(etcd).toMatchObject({ status: 'error', nodes: {} });
    expect(etcd?.reason).toBe(
      'no scanned node has the etcd role, so this control was evaluated on no node (not scanned: etcd-1)',
    );
    expect(r.coverage).toMatchObject({
      expectedFrom: 'cluster.yml',
      expected: 3,
      scanned: 1,
      complete: false,
      byRole: [
        { role: 'controlplane', expected: 1, scanned: 0 },
        { role: 'etcd', expected: 1, scanned: 0 },
        { role: 'worker', expected: 1, scanned: 1 },
      ],
    });
    expect(r.coverage.notScanned).toEqual([
      { name: 'cp-1', roles: ['controlplane'], reason: 'no evidence for this node was found' },
      { name: 'etcd-1', roles: ['etcd'], reason: 'connection refused' },
    ]);
  });

  it('lists scanned nodes that the expected list does not name', () => {
    const m = createClusterMerger();
    m.add(report(named(hardened, 'stray')));
    const r = m.finish({ ...CLUSTER, expected: { from: 'cluster.yml', nodes: [] } });
    expect(r.coverage.unexpected).toEqual(['stray']);
  });

  it('with nodeMaps "failing", names only failing nodes; the counts stay whole', () => {
    const m = createClusterMerger({ profile });
    for (let i = 0; i < 5; i++) m.add(report(named(hardened, `h${i}`)));
    m.add(report(named(insecure, 'bad')));
    const r = m.finish({ ...CLUSTER, nodeMaps: 'failing' });
    expect(r.nodeMaps).toBe('failing');
    const c = r.results.find((x) => x.id === '1.1.1');
    expect(c?.nodes).toEqual({ bad: 'fail' });
    expect(c?.findings.map((f) => [f.status, f.count, f.nodes])).toEqual([
      ['fail', 1, ['bad']],
      ['pass', 5, undefined],
    ]);
  });

  it('folds distinct values beyond MAX_OUTCOMES into one outcome per status, keeping every node status', () => {
    const m = createClusterMerger();
    const n = MAX_OUTCOMES + 20;
    for (let i = 0; i < n; i++) {
      m.add(
        tiny(`n${String(i).padStart(4, '0')}`, [
          { id: '9.9.9', status: i % 2 === 0 ? 'pass' : 'fail', actual: `value ${i}` },
        ]),
      );
    }
    const r = m.finish(CLUSTER);
    const c = r.results[0];
    expect(Object.keys(c?.nodes ?? {})).toHaveLength(n);
    expect(c?.findings.reduce((s, f) => s + f.count, 0)).toBe(n);
    expect(c?.findings.length).toBe(MAX_OUTCOMES + 2);
    expect(c?.findings.some((f) => f.actual.startsWith('(one of more distinct values'))).toBe(true);
    expect(c?.failingNodes).toHaveLength(n / 2);
  });

  it('groups equal outcomes into one finding, among the first few or beyond them', () => {
    const m = createClusterMerger();
    // Six distinct values, more than outcomeOf compares field by field; a reason of '' and none are one outcome.
    for (let i = 0; i < 60; i++) {
      const reason = i % 6 === 5 ? (i % 12 === 5 ? '' : undefined) : `r${i % 6}`;
      m.add(
        tiny(`n${String(i).padStart(2, '0')}`, [
          {
            id: '9.9.9',
            status: 'error',
            actual: `value ${i % 6}`,
            ...(reason !== undefined ? { reason } : {}),
          },
        ]),
      );
    }
    const c = m.finish(CLUSTER).results[0];
    expect(c?.findings.map((f) => [f.actual, f.count])).toEqual(
      [0, 1, 2, 3, 4, 5].map((v) => [`value ${v}`, 10]),
    );
    expect(c?.findings[5]?.nodes).toEqual(
      Array.from({ length: 10 }, (_, k) => `n${String(k * 6 + 5).padStart(2, '0')}`),
    );
  });

  it('merges many nodes with memory for one byte per node and control', () => {
    const m = createClusterMerger();
    const statuses: Status[] = ['pass', 'fail', 'error', 'manual'];
    const n = 20_000;
    const template = tiny('x', [
      { id: '1.1.1', status: 'pass', actual: 'a' },
      { id: '1.1.2', status: 'pass', actual: 'b' },
    ]);
    for (let i = 0; i < n; i++) {
      m.add({
        ...template,
        node: { ...template.node, name: `node-${i}` },
        results: template.results.map((x, j) => ({
          ...x,
          status: statuses[(i + j) % 4] as Status,
        })),
      });
    }
    expect(m.nodeCount).toBe(n);
    const r = m.finish({ ...CLUSTER, nodeMaps: 'failing' });
    expect(r.results[0]?.failingNodes).toHaveLength(n / 2);
    expect(r.results[0]?.findings.map((f) => f.count).sort()).toEqual([n / 4, n / 4, n / 4, n / 4]);
    expect(r.summary).toMatchObject({ total: 2, mixed: 2 });
  });

  it("reads each result's node map from the merger's bytes, as the plain object it stands for", () => {
    // Names a plain object orders apart (array indices first, in numeric order), a prototype key.
    const names = ['web-2', '10', '__proto__', '2', 'a', '4294967295', '007', 'constructor'];
    const statuses: Status[] = ['pass', 'fail', 'error', 'pass', 'manual'];
    const m = createClusterMerger();
    names.forEach((name, i) => {
      m.add(
        tiny(name, [
          { id: '1.1.1', status: statuses[i % statuses.length], actual: String(i) },
          { id: '1.1.2', status: 'pass', actual: 'same' },
        ]),
      );
    });
    m.add(tiny('only-one', [{ id: '1.1.2', status: 'fail', actual: 'other' }]));
    for (const nodeMaps of ['all', 'failing'] as const) {
      const r = m.finish({ ...CLUSTER, nodeMaps });
      for (const res of r.results) {
        // What the merger built before: a plain object filled in name order.
        const plain = Object.create(null) as Record<string, Status>;
        for (const f of [...res.findings].flatMap((x) => (x.nodes ?? []).map((n) => [n, x.status])))
          plain[f[0] as string] = f[1] as Status;
        const sorted = Object.create(null) as Record<string, Status>;
        for (const k of Object.keys(plain).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
          sorted[k] = plain[k] as Status;
        expect(JSON.stringify(res.nodes)).toBe(JSON.stringify(sorted));
        expect(Object.keys(res.nodes)).toEqual(Object.keys(sorted));
        expect(Object.entries(res.nodes)).toEqual(Object.entries(sorted));
        for (const k of [...names, 'only-one', 'nobody', 'toString', 'hasOwnProperty']) {
          expect(res.nodes[k]).toBe(sorted[k]);
          expect(k in res.nodes).toBe(k in sorted);
        }
      }
      const first = r.results[0];
      expect(Object.keys(first?.nodes ?? {}).slice(0, 2)).toEqual(
        nodeMaps === 'all' ? ['2', '10'] : ['10', '007'],
      );
      expect(first?.nodes.__proto__).toBe('error');
      // Read-only: a report is what the nodes said.
      expect(() => {
        (first?.nodes as Record<string, Status>).a = 'pass';
      }).toThrow(TypeError);
    }
    expect(() => {
      m.add(tiny('late', [{ id: '1.1.1', status: 'pass' }]));
    }).toThrow('finished');
  });

  it('refuses the same node twice', () => {
    const m = createClusterMerger();
    m.add(report(named(hardened, 'a')));
    expect(() => {
      m.add(report(named(hardened, 'a')));
    }).toThrow('node a was added twice');
  });

  it('counts a failure as waived only when it is waived on every node where it fails', () => {
    const waiver = { justification: 'accepted', source: 'w.yaml:3:5' };
    const m = createClusterMerger();
    m.add(tiny('a', [{ id: '1.1.1', status: 'fail', actual: 'x', waiver }]));
    m.add(tiny('b', [{ id: '1.1.1', status: 'fail', actual: 'x' }]));
    const r = m.finish(CLUSTER);
    expect(r.results[0]?.waiver).toBeUndefined();
    expect(clusterNotCompliant(r)).toBe(true);
    const m2 = createClusterMerger();
    m2.add(tiny('a', [{ id: '1.1.1', status: 'fail', actual: 'x', waiver }]));
    m2.add(tiny('b', [{ id: '1.1.1', status: 'pass', actual: 'y' }]));
    const r2 = m2.finish(CLUSTER);
    expect(r2.results[0]).toMatchObject({ status: 'mixed', waiver });
    expect(clusterNotCompliant(r2)).toBe(false);
  });
});

describe('cluster markdown', () => {
  it('shows control characters of an error reason, as the node document does', async () => {
    const { clusterMarkdown } = await import('../../src/report/formatters/cluster-markdown.js');
    const { renderedText } = await import('../../src/report/formatters/rendered.js');
    const m = createClusterMerger({ profile });
    m.add(tiny('a', [{ status: 'error', reason: 'bad \u001b[31mred\u0007 arg' }]));
    const md = renderedText(clusterMarkdown(m.finish(CLUSTER)));
    expect(md).toMatch(/bad \S*x1b\S*31mred\S*x07 arg/);
    expect(md).not.toContain('\u001b');
  });
});
