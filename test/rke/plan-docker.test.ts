import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { clusterYmlSchema, loadClusterYml } from '../../src/rke/cluster-yml.js';
import { planReport } from '../../src/rke/plan-report.js';
import { planCluster, planEvidence, type PlannedNode } from '../../src/rke/plan.js';
import { notAutomatable } from '../../src/rke/remediate/flag-fix.js';
import { buildRemediation } from '../../src/rke/remediate/index.js';
import { docker, SKIP_DOCKER, useEngine, type Engine } from '../integration/engine.js';
import { runMain, tmp } from './helpers.js';
import { parse } from 'yaml';

/**
 * The round trip on a real Docker engine: the containers RKE would create from the remediated
 * default cluster.yml, created with exactly the planned Path and Args, pass `rkecis scan` for every
 * automatable flag control, and scan agrees with plan on every flag control.
 */
const profile = loadProfile('rke-cis-1.3.0');
const IMAGE = 'rkecis-test/rke-plan:empty';
/** RKE's container names are fixed, so runs that plant them take this engine-wide lock first. */
const LOCK = 'rkecis-test-lock-rke-container-names';

async function lock(host: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await docker(host, ['create', '--name', LOCK, IMAGE, 'lock']);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function plant(host: string, node: PlannedNode): Promise<void> {
  for (const c of node.containers) {
    await docker(host, ['rm', '-f', c.name]).catch(() => undefined);
    await docker(host, [
      'create',
      '--name',
      c.name,
      '--label',
      `io.rancher.rke.container.name=${c.name}`,
      '--network',
      'none',
      '--entrypoint',
      c.path,
      IMAGE,
      ...c.args,
    ]);
  }
}

async function unplant(host: string, node: PlannedNode): Promise<void> {
  if (node.containers.length > 0)
    await docker(host, ['rm', '-f', ...node.containers.map((c) => c.name)]).catch(() => undefined);
}

describe.skipIf(SKIP_DOCKER)('remediated cluster.yml on a real Docker engine', () => {
  let engine: Engine | undefined;
  let locked = false;
  const home = tmp();
  const saved = {
    HOME: process.env.HOME,
    KUBECONFIG: process.env.KUBECONFIG,
    KSH: process.env.KUBERNETES_SERVICE_HOST,
  };

  beforeAll(async () => {
    engine = await useEngine();
    const tar = join(tmp(), 'empty.tar');
    writeFileSync(tar, Buffer.alloc(1024));
    await docker(engine.host, ['import', tar, IMAGE]);
    await lock(engine.host);
    locked = true;
    // No Kubernetes API in this test: the scan must not find a kubeconfig of the machine it runs on.
    process.env.HOME = home;
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
  }, 240_000);

  afterAll(async () => {
    if (saved.HOME !== undefined) process.env.HOME = saved.HOME;
    if (saved.KUBECONFIG !== undefined) process.env.KUBECONFIG = saved.KUBECONFIG;
    if (saved.KSH !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved.KSH;
    if (engine !== undefined && locked)
      await docker(engine.host, ['rm', '-f', LOCK]).catch(() => undefined);
    await engine?.stop();
  }, 120_000);

  it('every automatable flag control passes rkecis scan, and scan agrees with plan', async () => {
    const host = engine?.host ?? '';
    const file = 'examples/cluster-default.yml';
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    const config = loadClusterYml(file).config;
    const reports = planCluster(config).map((n) => planReport(profile, planEvidence(n, file)));
    const r = buildRemediation({
      profile,
      reports,
      cluster: { file, text, config },
      encryptionKey: Buffer.alloc(32).toString('base64'),
      source: file,
      version: 'test',
    });
    const remediated = clusterYmlSchema.parse(parse(r.clusterYml?.text ?? ''));
    const nodes = planCluster(remediated);
    const root = tmp();
    // The controlplane node (all components) and a worker (etcd, kubelet, kube-proxy).
    for (const node of nodes.slice(0, 2)) {
      await plant(host, node);
      try {
        const res = await runMain([
          'scan',
          '--docker-host',
          host,
          '--root',
          root,
          '--node-name',
          node.name,
          '--format',
          'json',
          // The planted containers' images carry no Kubernetes version to choose by.
          '--profile',
          'rke-cis-1.3.0',
        ]);
        expect(res.stderr).toBe('');
        const scan = JSON.parse(res.stdout) as NodeReport;
        const planned = planReport(profile, planEvidence(node, 'x'));
        expect(scan.node.roles).toEqual(planned.node.roles);
        let checked = 0;
        for (const c of profile.controls) {
          if (c.check.kind !== 'flag' && c.check.kind !== 'cipher-list') continue;
          const got = scan.results.find((x) => x.id === c.id);
          const want = planned.results.find((x) => x.id === c.id);
          expect(got?.status, `${node.name} ${c.id}`).toBe(want?.status);
          if (got !== undefined && notAutomatable(c.check) === undefined) {
            expect(`${node.name} ${c.id} ${got.status} ${got.actual}`).toBe(
              `${node.name} ${c.id} pass ${got.actual}`,
            );
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(node.roles.includes('controlplane') ? 40 : 10);
      } finally {
        await unplant(host, node);
      }
    }
  }, 240_000);
});
