import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { HARDENED } from './hardened-node.js';
import { expectNoTrace, runMain, tempDir } from './harness.js';

/**
 * First use on a worker or etcd node: scanned without a kubeconfig (the usual case: the
 * kubeconfig is on the admin's machine), its evidence carries a Kubernetes block of errors. The
 * cluster-wide controls (1.6.x, 1.7.x) go with controlplane nodes; judging them on this node
 * would make 1.7.x errors and a hardened worker could never exit 0.
 */
const profile = loadProfile('rke-cis-1.3.0');
const tmp = tempDir('first-use-worker');
afterAll(tmp.remove);

const NO_KUBECONFIG = 'no kubeconfig: --kubeconfig not given, KUBECONFIG not set';

/** The hardened node's worker part, with the given Kubernetes evidence. */
function worker(
  kubernetes: Evidence['kubernetes'],
  roles: Evidence['roles']['detected'] = ['worker'],
): Evidence {
  const containers: Evidence['containers'] = {};
  for (const [name, c] of Object.entries(HARDENED.containers))
    containers[name] =
      roles.includes('etcd') && name === 'etcd'
        ? c
        : name === 'kubelet' || name === 'kube-proxy'
          ? c
          : { status: 'absent' };
  const rest: Evidence = { ...HARDENED };
  delete rest.kubernetes;
  return {
    ...rest,
    node: { name: 'w1' },
    roles: { detected: roles, source: 'containers', reason: 'found kubelet' },
    containers,
    ...(kubernetes !== undefined ? { kubernetes } : {}),
  };
}

const errored: Evidence['kubernetes'] = {
  resources: { podsecuritypolicies: { status: 'error', reason: NO_KUBECONFIG } },
};
const clusterIds = (r: NodeReport): string[] =>
  r.results.filter((x) => x.role === 'cluster').map((x) => x.id);

describe('cluster-wide controls off the controlplane', () => {
  it('a worker whose Kubernetes lists all failed is not judged on 1.6.x and 1.7.x, and says why', () => {
    const r = evaluate(profile, worker(errored));
    expect(clusterIds(r)).toEqual([]);
    const skipped = r.node.skipped.find((s) => s.role === 'cluster');
    expect(skipped?.reason).toMatch(/go with controlplane nodes/);
    expect(skipped?.reason).toContain(NO_KUBECONFIG);
  });

  it('nor is a worker or etcd node with no Kubernetes block at all', () => {
    expect(clusterIds(evaluate(profile, worker(undefined)))).toEqual([]);
    expect(clusterIds(evaluate(profile, worker(undefined, ['etcd', 'worker'])))).toEqual([]);
    expect(
      evaluate(profile, worker(undefined)).node.skipped.find((s) => s.role === 'cluster')?.reason,
    ).toMatch(/without the Kubernetes API/);
  });

  it('a worker whose Kubernetes objects were read is judged on them', () => {
    const r = evaluate(profile, worker(HARDENED.kubernetes));
    expect(clusterIds(r)).toContain('1.7.1');
    expect(r.results.find((x) => x.id === '1.7.1')?.status).toBe('pass');
  });

  it('an API that answers "not served" (Kubernetes 1.25+) was read too', () => {
    const r = evaluate(
      profile,
      worker({
        version: 'v1.27.3',
        resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
      }),
    );
    expect(r.results.find((x) => x.id === '1.7.1')?.status).toBe('not-applicable');
  });

  it('a controlplane node still gets them, and errs on 1.7.x without the API', () => {
    const r = evaluate(profile, { ...HARDENED, kubernetes: errored });
    expect(r.results.find((x) => x.id === '1.7.1')?.status).toBe('error');
    expect(r.results.find((x) => x.id === '1.6.1')?.status).toBe('manual');
  });

  it('rkecis evaluate: a hardened worker scanned without a kubeconfig exits 0 (its own failures waived)', async () => {
    const bundle = join(tmp.dir, 'worker.json');
    writeFileSync(bundle, JSON.stringify(worker(errored)));
    const run = await runMain([
      'evaluate',
      bundle,
      '--format',
      'json',
      '--waivers',
      'examples/waivers-rancher-known-failures.yaml',
    ]);
    expectNoTrace(run.stderr);
    const rep = JSON.parse(run.stdout) as NodeReport;
    expect(clusterIds(rep)).toEqual([]);
    expect(rep.results.filter((x) => x.status === 'error')).toEqual([]);
    expect(run.code).toBe(0);
  });
});
