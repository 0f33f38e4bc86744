import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { collect } from '../../src/collect/collect.js';
import { detectRoles, parseRoles } from '../../src/collect/roles.js';
import { readEvidence } from '../../src/evidence/read.js';
import { evidenceSchema, type Evidence } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import { ENCRYPTION_SECRET, plantApiServer, plantRoot } from '../integration/plant-node.js';
import { expectError } from './expect-error.js';
import { dockerPing, fakeDocker, json, type Route } from './fake-docker.js';

const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const NO_KUBE = { HOME: '/nonexistent-home' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A fake engine holding the given containers of an example node, as docker inspect shows them. */
async function engineWith(node: Evidence, only?: string[]) {
  const routes: Record<string, Route> = { '/_ping': dockerPing };
  for (const [name, c] of Object.entries(node.containers)) {
    if (c.status !== 'present' || (only !== undefined && !only.includes(name))) continue;
    routes[`/containers/${name}/json`] = json({
      Id: `id-${name}`,
      Name: `/${name}`,
      Path: c.path,
      Args: c.args,
      State: { Status: 'running', Running: true },
      Config: { Image: c.image, Env: ['SECRET=env-secret'] },
    });
  }
  const fake = await fakeDocker(routes);
  cleanups.push(fake.close);
  return fake;
}

function rootOf(node: Evidence): string {
  const root = plantRoot(node);
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}

describe('collect', () => {
  it("gathers exactly the profile's evidence, once each, from the three sources", async () => {
    const docker = await engineWith(hardened);
    const api = await plantApiServer(hardened);
    cleanups.push(api.close);
    const root = rootOf(hardened);
    const ev = await collect({
      profile,
      dockerHost: docker.url,
      root,
      kubeconfig: api.kubeconfig,
      env: {},
    });
    expect(evidenceSchema.safeParse(ev).success).toBe(true);
    expect(ev.node).toEqual({ name: hardened.node.name, hostname: hardened.node.name });
    expect(ev.roles).toEqual({
      detected: ['controlplane', 'etcd', 'worker'],
      source: 'containers',
      reason: 'found etcd, kube-apiserver, kubelet',
    });
    expect(ev.collector).toMatchObject({
      name: 'rkecis',
      root,
      dockerHost: docker.url,
      kubernetes: `kubeconfig ${api.kubeconfig} (${api.url})`,
    });
    expect(Object.keys(ev.files).sort()).toEqual(Object.keys(hardened.files).sort());
    expect(ev.kubernetes).toEqual(hardened.kubernetes);
    // Each container inspected once; the engine verified first.
    const inspects = docker.paths.filter((p) => p.startsWith('/containers/'));
    expect(new Set(inspects).size).toBe(inspects.length);
    expect(docker.paths[0]).toBe('/_ping');
    expect(JSON.stringify(ev)).not.toContain('env-secret');
    expect(JSON.stringify(ev)).not.toContain(ENCRYPTION_SECRET);
  });

  it('detects roles from the marker containers, and says which were seen', async () => {
    const docker = await engineWith(hardened, ['kubelet', 'kube-proxy']);
    const ev = await collect({
      profile,
      dockerHost: docker.url,
      root: rootOf(hardened),
      env: NO_KUBE,
    });
    expect(ev.roles).toEqual({
      detected: ['worker'],
      source: 'containers',
      reason: 'found kubelet',
    });
    expect(ev.containers['kube-apiserver']).toEqual({ status: 'absent' });
  });

  it('takes --role over what the containers say', async () => {
    const docker = await engineWith(hardened, ['kubelet']);
    const ev = await collect({
      profile,
      dockerHost: docker.url,
      root: rootOf(hardened),
      roles: ['controlplane'],
      env: NO_KUBE,
    });
    expect(ev.roles).toEqual({
      detected: ['controlplane'],
      source: 'override',
      reason: '--role controlplane given; found kubelet',
    });
  });

  it('records Kubernetes evidence as an error when no kubeconfig is found, and still collects the rest', async () => {
    const docker = await engineWith(hardened);
    const ev = await collect({
      profile,
      dockerHost: docker.url,
      root: rootOf(hardened),
      env: NO_KUBE,
    });
    expectError(
      ev.kubernetes?.resources.podsecuritypolicies,
      /^no kubeconfig: --kubeconfig not given, KUBECONFIG not set/,
    );
    expect(ev.collector?.kubernetes).toBe('none');
    expect(ev.containers.kubelet).toMatchObject({ status: 'present' });
  });

  it('names the node after the scanning machine when the root has no /etc/hostname', async () => {
    const docker = await engineWith(hardened);
    const root = rootOf(hardened);
    rmSync(`${root}/etc/hostname`);
    const ev = await collect({ profile, dockerHost: docker.url, root, env: NO_KUBE });
    expect(ev.node.name).toBe(hostname());
  });

  it('uses DOCKER_HOST when no --docker-host is given', async () => {
    const docker = await engineWith(hardened);
    const ev = await collect({
      profile,
      root: rootOf(hardened),
      env: { ...NO_KUBE, DOCKER_HOST: docker.url },
    });
    expect(ev.collector?.dockerHost).toBe(docker.url);
  });

  it('refuses an endpoint that is not a Docker engine', async () => {
    const fake = await fakeDocker({ '/_ping': json({ message: 'nope' }, 404) });
    cleanups.push(fake.close);
    const scan = collect({ profile, dockerHost: fake.url, root: '/', env: NO_KUBE });
    await expect(scan).rejects.toThrow(InputError);
    await expect(scan).rejects.toThrow(/not a Docker engine \(GET \/_ping answered HTTP 404\)/);
    // Nothing is inspected on an endpoint that is not Docker.
    expect(fake.paths).toEqual(['/_ping']);
  });

  it('refuses a root that is not a folder', async () => {
    const docker = await engineWith(hardened);
    const file = fileURLToPath(import.meta.url);
    await expect(
      collect({ profile, dockerHost: docker.url, root: file, env: NO_KUBE }),
    ).rejects.toThrow(new InputError(`--root ${file}: not a folder`));
    expect(docker.paths).toEqual([]);
  });
});

describe('detectRoles', () => {
  it('says which markers it found, which it could not inspect, and when it found none', () => {
    expect(
      detectRoles({
        etcd: { status: 'absent' },
        'kube-apiserver': { status: 'error', reason: 'HTTP 500' },
        kubelet: { status: 'absent' },
      }),
    ).toEqual({
      detected: [],
      source: 'containers',
      reason: 'found none of etcd, kube-apiserver, kubelet; could not inspect: kube-apiserver',
    });
  });
});

describe('parseRoles', () => {
  it('reads a comma-separated list in the canonical order', () => {
    expect(parseRoles('worker, etcd')).toEqual(['etcd', 'worker']);
  });
  it.each(['', ',', 'master', 'worker,master'])('refuses %j', (text) => {
    expect(() => parseRoles(text)).toThrow(InputError);
  });
});
