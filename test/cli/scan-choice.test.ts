import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeReport } from '../../src/report/types.js';
import { fakeDocker, json, type Route } from '../fakes/docker.js';
import { answer, fakeKube, pspList } from '../fakes/kube.js';
import { HARDENED, hardenedRoutes } from '../hostile/hardened-node.js';
import { runMain } from '../hostile/harness.js';
import { plantRoot } from '../integration/plant-node.js';

/**
 * `rkecis scan` without --profile reads the node's Kubernetes version before anything else: the
 * API server's /version (a real client against a local API server), else the images of the
 * component containers (a local server answering as the Docker Engine API does).
 */
let root = '';
beforeAll(() => {
  root = plantRoot(HARDENED);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The hardened node's engine, some containers' images changed. */
function routes(images: Record<string, string>): Record<string, Route> {
  const r = hardenedRoutes();
  for (const [name, image] of Object.entries(images)) {
    const c = HARDENED.containers[name];
    if (c?.status !== 'present') continue;
    r[`/containers/${name}/json`] = json({
      Id: `${name}-id`,
      Name: `/${name}`,
      Path: c.path,
      Args: c.args,
      State: { Status: 'running', Running: true },
      Config: { Image: image },
    });
  }
  return r;
}

async function scan(
  images: Record<string, string>,
  version: string | undefined,
  more: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const docker = await fakeDocker(routes(images));
  const kube =
    version !== undefined
      ? await fakeKube({
          '/version': answer({ gitVersion: version }),
          '/apis/policy/v1beta1/podsecuritypolicies': answer(pspList('policy/v1beta1')),
        })
      : undefined;
  try {
    return await runMain([
      'scan',
      '--docker-host',
      docker.url,
      '--root',
      root,
      ...(kube !== undefined ? ['--kubeconfig', kube.kubeconfig] : []),
      '--format',
      'json',
      '--timeout',
      '5',
      ...more,
    ]);
  } finally {
    await docker.close();
    await kube?.close();
  }
}

describe('scan chooses the profile from the live node', () => {
  it("by the API server's version, with the images beside it", async () => {
    const r = await scan({}, 'v1.11.5');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as NodeReport;
    expect(report.profile.name).toBe('rke-cis-1.3.0');
    expect(report.profile.choice?.version).toBe('v1.11.5');
    expect(report.profile.choice?.reason).toMatch(
      /^chosen from Kubernetes v1\.11\.5, read from the API server \(https:\/\/127\.0\.0\.1:\d+\) and the image tag of kube-apiserver, kubelet, kube-proxy, kube-controller-manager, kube-scheduler \(rancher\/hyperkube:v1\.11\.5-rancher1\): 1\.11–1\.12 → rke-cis-1\.3\.0/,
    );
  }, 60_000);

  it('by the images when no kubeconfig is found', async () => {
    const r = await scan({}, undefined);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as NodeReport;
    expect(report.profile.choice?.reason).toMatch(
      /^chosen from Kubernetes v1\.11\.5, read from the image tag of kube-apiserver, kubelet/,
    );
  }, 60_000);

  it('refuses a node mid-upgrade (kubelet 1.23, kube-apiserver 1.24) unless --profile', async () => {
    const images = {
      kubelet: 'rancher/hyperkube:v1.23.16-rancher2',
      'kube-proxy': 'rancher/hyperkube:v1.23.16-rancher2',
      'kube-apiserver': 'rancher/hyperkube:v1.24.17-rancher1',
      'kube-controller-manager': 'rancher/hyperkube:v1.24.17-rancher1',
      'kube-scheduler': 'rancher/hyperkube:v1.24.17-rancher1',
    };
    const r = await scan(images, undefined);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('call for different profiles');
    expect(r.stderr).toContain('v1.23.16 (the image tag of kubelet, kube-proxy');
    expect(r.stderr).toContain(
      'v1.24.17 (the image tag of kube-apiserver, kube-controller-manager, kube-scheduler',
    );
    const named = await scan(images, undefined, ['--profile', 'rke-cis-1.3.0']);
    expect(named.code).toBe(1);
    expect((JSON.parse(named.stdout) as NodeReport).profile.choice?.reason).toBe(
      'named with --profile',
    );
  }, 60_000);

  it('refuses an API server whose version another profile covers than the images', async () => {
    const r = await scan({}, 'v1.25.3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /v1\.25\.3 \(the API server \(https:\/\/127\.0\.0\.1:\d+\): rke-cis-1\.7\)/,
    );
  }, 60_000);

  it('collect chooses the same way (its bundle is of that profile)', async () => {
    const docker = await fakeDocker(
      routes({ kubelet: 'rancher/hyperkube:v1.15.x-rancher1-weird' }),
    );
    try {
      const r = await runMain(['collect', '--docker-host', docker.url, '--root', root]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'shows "v1.15.x-rancher1-weird", which is not a Kubernetes version',
      );
    } finally {
      await docker.close();
    }
  }, 60_000);
});
