import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectFrom, withFlagPaths } from '../../src/collect/collect.js';
import { DockerClient, dockerEndpoint } from '../../src/collect/docker.js';
import { localFs, type NodeFs } from '../../src/collect/node-fs.js';
import { evidenceRequirements } from '../../src/engine/requirements.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import { dockerPing, fakeDocker, inspectOf, json } from '../fakes/docker.js';

const PROFILE = loadProfile('test/fixtures/profiles/later-files');

const present = (args: string[], mounts: { source: string; destination: string }[]) =>
  ({
    status: 'present',
    image: 'i',
    path: '/p',
    args,
    state: { status: 'running', running: true },
    mounts: mounts.map((m) => ({ type: 'bind', rw: true, ...m })),
  }) as const;

describe('files at paths from flags', () => {
  it('are the host paths the inspected containers name, each path once with every want', () => {
    const wanted = evidenceRequirements(PROFILE);
    expect(wanted.fromFlags.map((f) => `${f.from.container} ${f.from.flag}`)).toEqual([
      'etcd --data-dir',
      'kube-apiserver --encryption-provider-config',
      'kubelet --client-ca-file',
      'kubelet --config',
    ]);
    const containers: Evidence['containers'] = {
      etcd: present(
        ['--data-dir=/var/lib/rancher/etcd/'],
        [{ source: '/var/lib/etcd', destination: '/var/lib/rancher/etcd' }],
      ),
      // The encryption config is inside the PKI folder a static check lists: one path, both wants.
      'kube-apiserver': present(
        ['--encryption-provider-config=/etc/kubernetes/ssl'],
        [{ source: '/etc/kubernetes', destination: '/etc/kubernetes' }],
      ),
      // --client-ca-file unset: its default; --config outside any mount: left to the engine's error.
      kubelet: present(
        ['--config=/nowhere/config.yaml'],
        [{ source: '/etc/kubernetes', destination: '/etc/kubernetes' }],
      ),
    };
    const files = withFlagPaths(wanted, containers);
    expect(files.filter((f) => f.path === '/etc/kubernetes/ssl')).toEqual([
      { path: '/etc/kubernetes/ssl', entries: true, content: true },
    ]);
    expect(files.map((f) => f.path)).toEqual([
      '/etc/kubernetes/ssl',
      '/etc/kubernetes/ssl/kube-ca.pem',
      '/etc/kubernetes/ssl/kubecfg-kube-proxy-missing.yaml',
      '/var/lib/etcd',
    ]);
  });

  it('an absent container, or one whose flag names nothing, adds no path', () => {
    const wanted = evidenceRequirements(PROFILE);
    const files = withFlagPaths(wanted, { etcd: { status: 'absent' } });
    expect(files.map((f) => f.path)).toEqual(wanted.files.map((f) => f.path));
  });
});

describe('collectFrom with paths from flags', () => {
  const root = mkdtempSync(join(tmpdir(), 'rkecis-flag-paths-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const put = (p: string, text: string): void => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
    chmodSync(join(root, p), 0o600);
  };

  it('inspects first, then reads every file once, however many checks read it', async () => {
    put('/etc/kubernetes/ssl/kube-ca.pem', 'ca\n');
    put('/etc/kubernetes/ssl/encryption.yaml', 'resources: []\n');
    put('/var/lib/kubelet/config.yaml', 'readOnlyPort: 0\n');
    mkdirSync(join(root, 'var/lib/etcd'), { recursive: true });
    const bind = (s: string, d: string) => ({ Type: 'bind', Source: s, Destination: d, RW: true });
    const with_ = (name: string, args: string[], mounts: unknown[]) =>
      json({ ...(inspectOf(name, args) as object), Mounts: mounts });
    const d = await fakeDocker({
      '/_ping': dockerPing,
      '/containers/etcd/json': with_(
        'etcd',
        ['--data-dir=/var/lib/rancher/etcd'],
        [bind('/var/lib/etcd', '/var/lib/rancher/etcd')],
      ),
      '/containers/kube-apiserver/json': with_(
        'kube-apiserver',
        ['--encryption-provider-config=/etc/kubernetes/ssl/encryption.yaml'],
        [bind('/etc/kubernetes', '/etc/kubernetes')],
      ),
      '/containers/kubelet/json': with_(
        'kubelet',
        ['--config=/var/lib/kubelet/config.yaml'],
        [bind('/etc/kubernetes', '/etc/kubernetes'), bind('/var/lib/kubelet', '/var/lib/kubelet')],
      ),
    });
    const base = localFs(root);
    const reads: string[] = [];
    const listed: string[] = [];
    const fs: NodeFs = {
      ...base,
      readFile: (p, max, st) => {
        reads.push(p.slice(root.length));
        return base.readFile(p, max, st);
      },
      readdir: (p) => {
        listed.push(p.slice(root.length));
        return base.readdir(p);
      },
    };
    try {
      const evidence = await collectFrom({
        profile: PROFILE,
        fs,
        docker: new DockerClient(dockerEndpoint(d.url, {})),
        kubernetes: { note: 'not queried' },
        timeoutMs: 5000,
      });
      const counts = (xs: string[]) =>
        Object.fromEntries([...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length]));
      expect(counts(reads)).toMatchObject({
        '/etc/kubernetes/ssl/encryption.yaml': 1,
        '/var/lib/kubelet/config.yaml': 1,
      });
      expect(counts(listed)).toEqual({ '/etc/kubernetes/ssl': 1 });
      expect(evidence.files['/var/lib/etcd']).toMatchObject({ type: 'directory' });
      expect(evidence.files['/var/lib/kubelet/config.yaml']).toMatchObject({
        content: 'readOnlyPort: 0\n',
      });
      for (const c of ['etcd', 'kubelet', 'kube-apiserver'])
        expect(d.paths.filter((p) => p === `/containers/${c}/json`)).toHaveLength(1);
    } finally {
      await d.close();
    }
  });
});
