import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/schema.js';
import type { ClusterReport } from '../../src/report/types.js';
import { expectNoTrace, runMain, tempDir } from './harness.js';

/**
 * A bundle that understates its node's roles: collected with `--role worker` (or edited) on a
 * node whose containers include kube-apiserver. `rkecis cluster --bundles DIR` without
 * `--config` must still judge that kube-apiserver, as it does with cluster.yml's roles: a
 * hidden insecure API server must not leave a cluster-wide pass behind.
 */
const tmp = tempDir('bundle-roles');
afterAll(tmp.remove);

const example = (file: string, name: string, roles?: Evidence['roles']): Evidence => {
  const ev = JSON.parse(readFileSync(file, 'utf8')) as Evidence;
  return { ...ev, node: { name }, ...(roles !== undefined ? { roles } : {}) };
};

function folder(name: string, nodes: Evidence[]): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  for (const ev of nodes) writeFileSync(join(dir, `${ev.node.name}.json`), JSON.stringify(ev));
  return dir;
}

describe("cluster --bundles without --config: the roles a node's containers show", () => {
  it.each([
    [
      '--role worker at collection',
      { detected: ['worker'], source: 'override', reason: '--role worker given' },
    ],
    [
      'roles edited to worker',
      { detected: ['worker'], source: 'containers', reason: 'found kubelet' },
    ],
    ['no roles at all', { detected: [], source: 'declared' }],
  ] as const)('%s: the node is judged as a controlplane too', async (_name, roles) => {
    const dir = folder(`case-${_name.replace(/\W+/g, '-')}`, [
      example('examples/hardened-node.json', 'cp1'),
      example('examples/insecure-node.json', 'w1', { ...roles, detected: [...roles.detected] }),
    ]);
    const run = await runMain(['cluster', '--bundles', dir, '--format', 'json']);
    expectNoTrace(run.stderr);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ClusterReport;
    const w1 = report.nodes.find((n) => n.name === 'w1');
    expect(w1?.roles).toEqual(['controlplane', 'etcd', 'worker']);
    expect(w1?.rolesReason).toMatch(
      /controlplane, etcd(, worker)? judged too: the bundle's containers show it/,
    );
    // The insecure node's kube-apiserver allows anonymous requests: 1.1.1 is not a pass.
    const r = report.results.find((x) => x.id === '1.1.1');
    expect(r?.status).toBe('mixed');
    expect(r?.failingNodes).toEqual(['w1']);
  });

  it('a bundle whose roles already match its containers is left as it is', async () => {
    const dir = folder('as-is', [example('examples/hardened-node.json', 'cp1')]);
    const run = await runMain(['cluster', '--bundles', dir, '--format', 'json']);
    const report = JSON.parse(run.stdout) as ClusterReport;
    expect(report.nodes[0]?.rolesReason).toBe(
      'example node holding all three RKE roles, as in the guide',
    );
  });
});
