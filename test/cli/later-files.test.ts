import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/schema.js';
import type { NodeReport } from '../../src/report/types.js';
import { dockerPing, fakeDocker, json, type Route } from '../fakes/docker.js';
import { expectNoTrace, runMain, tempDir } from '../hostile/harness.js';

/**
 * The file and container features of the later guides, end to end: `rkecis scan --root` and
 * `rkecis collect` with the test profile test/fixtures/profiles/later-files (globs, the folder
 * too, an optional file, paths from flags through mounts, a named environment variable, the
 * kubelet --config fallback), on a planted root and a Docker engine answering inspects.
 */
const PROFILE = 'test/fixtures/profiles/later-files';
const SECRET = 'later-files-env-secret-3b9d1f';
const ETCD_UID = 52035;

const tmp = tempDir('later-files');
const servers: { close(): Promise<void> }[] = [];

interface Node {
  modes?: Record<string, number>;
  etcdEnv?: string[];
  kubeletConfig?: string;
}

function put(root: string, path: string, text: string, mode: number, uid = 0): void {
  const real = join(root, path);
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, text);
  chownSync(real, uid, uid);
  chmodSync(real, mode);
}

/** A node's root: the PKI folder, the etcd data dir, the kubelet's config, passwd and group. */
function plant(name: string, node: Node = {}): string {
  const root = join(tmp.dir, name);
  const mode = (p: string, d: number): number => node.modes?.[p] ?? d;
  put(
    root,
    '/etc/passwd',
    `root:x:0:0::/root:/bin/sh\netcd:x:${ETCD_UID}:${ETCD_UID}::/:/bin/false\n`,
    0o644,
  );
  put(root, '/etc/group', `root:x:0:\netcd:x:${ETCD_UID}:\n`, 0o644);
  put(root, '/etc/hostname', `${name}\n`, 0o644);
  const ssl = '/etc/kubernetes/ssl';
  for (const [f, m] of [
    ['kube-ca.pem', 0o644],
    ['kube-apiserver.pem', 0o644],
    ['kube-apiserver-key.pem', 0o600],
    ['kubecfg-kube-node.yaml', 0o644],
  ] as const)
    put(root, `${ssl}/${f}`, `${f}\n`, mode(f, m));
  put(
    root,
    `${ssl}/encryption.yaml`,
    'resources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: k\n        secret: c2VjcmV0\n  - identity: {}\n',
    0o600,
  );
  chmodSync(join(root, ssl), 0o755);
  mkdirSync(join(root, 'var/lib/etcd'), { recursive: true });
  chownSync(join(root, 'var/lib/etcd'), ETCD_UID, ETCD_UID);
  chmodSync(join(root, 'var/lib/etcd'), mode('etcd', 0o700));
  put(
    root,
    '/var/lib/kubelet/config.yaml',
    node.kubeletConfig ?? 'readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n',
    0o600,
  );
  return root;
}

const bind = (source: string, destination: string) => ({
  Type: 'bind',
  Source: source,
  Destination: destination,
  Mode: 'z',
  RW: true,
  Propagation: 'rprivate',
});

/** RKE's containers as the engine shows them: args, mounts, and an environment with a secret. */
async function engine(node: Node = {}): Promise<{ url: string; paths: string[] }> {
  const inspect = (name: string, args: string[], mounts: unknown[], env: string[]): Route =>
    json({
      Id: `${name}-id`,
      Name: `/${name}`,
      Path: '/opt/rke-tools/entrypoint.sh',
      Args: args,
      State: { Status: 'running', Running: true },
      Config: { Image: 'rancher/hyperkube:v1.20.15-rancher1', Env: env },
      Mounts: mounts,
    });
  const secretEnv = [`SECRET=${SECRET}`, 'PATH=/usr/bin'];
  const d = await fakeDocker({
    '/_ping': dockerPing,
    '/containers/etcd/json': inspect(
      'etcd',
      ['--data-dir=/var/lib/rancher/etcd/', '--auto-tls=false'],
      [bind('/var/lib/etcd', '/var/lib/rancher/etcd'), bind('/etc/kubernetes', '/etc/kubernetes')],
      [...(node.etcdEnv ?? ['ETCD_AUTO_TLS=false']), ...secretEnv],
    ),
    '/containers/kube-apiserver/json': inspect(
      'kube-apiserver',
      ['kube-apiserver', '--encryption-provider-config=/etc/kubernetes/ssl/encryption.yaml'],
      [bind('/etc/kubernetes', '/etc/kubernetes')],
      secretEnv,
    ),
    '/containers/kubelet/json': inspect(
      'kubelet',
      ['kubelet', '--config=/var/lib/kubelet/config.yaml'],
      [bind('/etc/kubernetes', '/etc/kubernetes'), bind('/var/lib/kubelet', '/var/lib/kubelet')],
      secretEnv,
    ),
  });
  servers.push(d);
  return d;
}

const statuses = (stdout: string): Record<string, string> =>
  Object.fromEntries((JSON.parse(stdout) as NodeReport).results.map((r) => [r.id, r.status]));

async function scan(root: string, url: string, extra: string[] = []) {
  const run = await runMain([
    'scan',
    '--root',
    root,
    '--docker-host',
    url,
    '--profile',
    PROFILE,
    '--format',
    'json',
    ...extra,
  ]);
  expectNoTrace(run.stderr);
  return run;
}

beforeAll(() => undefined);
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => {
  tmp.remove();
});

describe('rkecis scan --root with the later guides file and container features', () => {
  it('a hardened node passes each, and the optional file that is not there is not applicable', async () => {
    const d = await engine();
    const run = await scan(plant('good'), d.url);
    expect(run.code, run.stderr).toBe(0);
    expect(statuses(run.stdout)).toEqual({
      '1.1.1': 'pass',
      '1.1.2': 'pass',
      '1.1.3': 'pass',
      '1.1.4': 'pass',
      '1.1.5': 'not-applicable',
      '1.1.6': 'pass',
      '1.1.7': 'pass',
      '1.1.8': 'pass',
      '1.1.9': 'pass',
      '1.1.10': 'pass',
      '1.2.1': 'pass',
      '1.2.2': 'pass',
    });
    const rep = JSON.parse(run.stdout) as NodeReport;
    const actual = (id: string) => rep.results.find((r) => r.id === id)?.actual;
    expect(actual('1.1.6')).toBe('/var/lib/etcd: etcd:etcd');
    expect(actual('1.2.2')).toContain('in /var/lib/kubelet/config.yaml: readOnlyPort=0');
    // Each container inspected once, however many controls read it.
    for (const c of ['etcd', 'kubelet', 'kube-apiserver'])
      expect(d.paths.filter((p) => p === `/containers/${c}/json`)).toHaveLength(1);
  });

  it('a node that breaks each fails it', async () => {
    const d = await engine({
      etcdEnv: ['ETCD_AUTO_TLS=true'],
    });
    const root = plant('bad', {
      modes: {
        'kube-apiserver.pem': 0o666,
        'kube-apiserver-key.pem': 0o640,
        etcd: 0o755,
        'kube-ca.pem': 0o664,
      },
      kubeletConfig: 'readOnlyPort: 10255\nauthentication:\n  anonymous:\n    enabled: false\n',
    });
    chownSync(join(root, 'etc/kubernetes/ssl/kube-ca.pem'), ETCD_UID, 0);
    const run = await scan(root, d.url);
    expect(run.code, run.stderr).toBe(1);
    expect(statuses(run.stdout)).toMatchObject({
      '1.1.1': 'fail',
      '1.1.2': 'fail',
      '1.1.3': 'fail',
      '1.1.7': 'fail',
      '1.1.8': 'fail',
      '1.2.1': 'fail',
      '1.2.2': 'fail',
    });
  });

  it('the bundle holds the mounts and the named variable only; no other variable anywhere', async () => {
    const d = await engine();
    const root = plant('bundle');
    const out = join(tmp.dir, 'bundle.json');
    const run = await runMain([
      'collect',
      '--root',
      root,
      '--docker-host',
      d.url,
      '--profile',
      PROFILE,
      '--output',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const bundle = JSON.parse(text) as Evidence;
    const etcd = bundle.containers.etcd;
    expect(etcd?.status === 'present' ? etcd.env : undefined).toEqual({ ETCD_AUTO_TLS: 'false' });
    expect(etcd?.status === 'present' ? etcd.mounts : undefined).toContainEqual({
      type: 'bind',
      source: '/var/lib/etcd',
      destination: '/var/lib/rancher/etcd',
      rw: true,
    });
    const apiserver = bundle.containers['kube-apiserver'];
    expect(apiserver?.status === 'present' ? apiserver.env : 'absent').toBeUndefined();
    // Files at paths from flags, keyed by the host path read (each once).
    expect(Object.keys(bundle.files)).toEqual(
      expect.arrayContaining([
        '/var/lib/etcd',
        '/var/lib/kubelet/config.yaml',
        '/etc/kubernetes/ssl/encryption.yaml',
      ]),
    );
    expect(bundle.files['/etc/kubernetes/ssl/encryption.yaml']).toMatchObject({
      status: 'present',
    });
    const evaluated = await runMain(['evaluate', out, '--profile', PROFILE, '--format', 'json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    for (const [what, t] of [
      ['bundle', text],
      ['scan report', (await scan(root, d.url, ['--verbose'])).stdout],
      ['evaluate report', evaluated.stdout],
    ] as const) {
      expect(t, what).not.toContain(SECRET);
      expect(t, what).not.toContain('PATH=');
    }
  });

  it.each([
    ['a glob with a slash', "match: ['../*.pem']"],
    ['a glob that is ..', "match: ['..']"],
    ['a path with ..', 'paths: [/etc/kubernetes/../../../root]'],
  ])('refuses a profile with %s (could leave --root): exit 2, one line', async (_what, line) => {
    const dir = join(tmp.dir, `profile-${line.length}`);
    cpSync(PROFILE, dir, { recursive: true });
    const file = join(dir, '1.1-files.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = line.startsWith('match')
      ? text.replace("match: ['*key.pem']", line)
      : text.replace('paths: [/etc/kubernetes/ssl/kubecfg-kube-proxy-missing.yaml]', line);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const d = await engine();
    const run = await runMain([
      'scan',
      '--root',
      plant(`refused-${line.length}`),
      '--docker-host',
      d.url,
      '--profile',
      dir,
    ]);
    expectNoTrace(run.stderr);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^rkecis: [^\n]*1\.1-files\.yaml[^\n]*(\.\.|"\/")[^\n]*\n$/);
    rmSync(dir, { recursive: true, force: true });
  });
});
