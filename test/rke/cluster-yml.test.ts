import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { loadClusterYml } from '../../src/rke/cluster-yml.js';
import { runMain, tmp } from './helpers.js';

const NODES = 'nodes:\n  - address: 10.0.0.1\n    role: [controlplane, etcd, worker]\n';

const file = (text: string): string => {
  const f = join(tmp(), 'cluster.yml');
  writeFileSync(f, text);
  return f;
};

const loadError = (text: string): string => {
  try {
    loadClusterYml(file(text));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('cluster.yml validation: one clear message naming file:line:col', () => {
  it.each([
    ['not YAML', 'nodes: [\n  - {address: 1\n', /cluster\.yml:\d+:\d+: /],
    [
      'a YAML scalar, not a mapping',
      'just some text\n',
      /not an RKE cluster\.yml: expected a YAML mapping/,
    ],
    ['an empty file', '', /not an RKE cluster\.yml/],
    ['no nodes', 'services:\n  kube-api: {}\n', /not an RKE cluster\.yml: it has no "nodes" list/],
    ['an empty nodes list', 'nodes: []\n', /the "nodes" list is empty/],
    [
      'a node without an address',
      'nodes:\n  - role: [worker]\n',
      /cluster\.yml:2:\d+: a node needs an address/,
    ],
    [
      'an unknown role',
      'nodes:\n  - address: a\n    role: [master]\n',
      /cluster\.yml:3:\d+: unknown role "master"/,
    ],
    [
      'no controlplane node',
      'nodes:\n  - address: a\n    role: [etcd, worker]\n',
      /at least one node with the controlplane role/,
    ],
    [
      'no etcd node',
      'nodes:\n  - address: a\n    role: [controlplane, worker]\n',
      /at least one node with the etcd role/,
    ],
    [
      'a node listed twice',
      'nodes:\n  - address: a\n    role: [controlplane, etcd, worker]\n  - address: a\n    role: [worker]\n',
      /cluster\.yml:4:\d+: node "a" appears twice/,
    ],
    [
      'an unknown service key, pointing at the key',
      `${NODES}services:\n  kube-apiserver:\n    extra_args:\n      profiling: "false"\n`,
      /cluster\.yml:5:3: unknown key "kube-apiserver" \(at services\); RKE's services are kube-api, kube-controller, scheduler, kubelet, kubeproxy, etcd/,
    ],
    [
      'an extra_args key with dashes',
      `${NODES}services:\n  kubelet:\n    extra_args:\n      --event-qps: "0"\n`,
      /cluster\.yml:7:\d+: extra_args key "--event-qps" is not a flag name/,
    ],
    [
      'a map as an extra_args value',
      `${NODES}services:\n  kubelet:\n    extra_args:\n      event-qps: {a: 1}\n`,
      /extra_args value must be a string, number or boolean/,
    ],
    [
      'a kubernetes_version without defaults',
      `${NODES}kubernetes_version: v1.13.4-rancher1-1\n`,
      /cluster\.yml:4:21: no defaults for kubernetes_version "v1.13.4-rancher1-1": rkecis has RKE v0\.1\.11 defaults for Kubernetes v1\.11 only/,
    ],
    [
      'a hyperkube image of another version',
      `${NODES}system_images:\n  kubernetes: rancher/hyperkube:v1.12.3-rancher1\n`,
      /no defaults for the Kubernetes image rancher\/hyperkube:v1\.12\.3-rancher1/,
    ],
    [
      'duplicate keys',
      `${NODES}services: {}\nservices: {}\n`,
      /cluster\.yml:\d+:\d+: Map keys must be unique/,
    ],
  ])('%s', (_name, text, message) => {
    expect(loadError(text)).toMatch(message);
  });

  it('accepts the keys of RKE it does not read, and v1.11.x versions', () => {
    const c = loadClusterYml(
      file(
        `${NODES}kubernetes_version: v1.11.5-rancher1-1\nnetwork: {plugin: canal}\nservices:\n  etcd: {snapshot: true, retention: 24h}\n  kubelet:\n    extra_args: {event-qps: 0, protect-kernel-defaults: true}\nprivate_registries: []\n`,
      ),
    );
    expect(c.kubernetesVersion).toBe('v1.11.5-rancher1-1');
    expect(c.config.services?.kubelet?.extra_args).toEqual({
      'event-qps': '0',
      'protect-kernel-defaults': 'true',
    });
  });

  it('takes a fleet whose nodes share anchored values (as YAML writers emit them), and still refuses a bomb', () => {
    // 1,000 nodes, each naming the one anchored role list: 1,000 aliases, no expansion attack.
    const nodes = Array.from(
      { length: 1000 },
      (_, i) =>
        `  - address: 10.0.${i >> 8}.${i & 255}\n    role: ${i === 0 ? '&roles [controlplane, etcd, worker]' : '*roles'}\n`,
    ).join('');
    const c = loadClusterYml(file(`nodes:\n${nodes}`));
    expect(c.config.nodes).toHaveLength(1000);
    expect(c.config.nodes[999]?.role).toEqual(['controlplane', 'etcd', 'worker']);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]',
    ].join('\n');
    // Beside the same fleet: 10^7 values from 45 KB of text.
    expect(loadError(`${bomb}\nnodes:\n${nodes}`)).toMatch(
      /cluster\.yml: its aliases expand to \d+ values from \d+ characters of text, which is refused/,
    );
  });

  it('refuses a wide expansion: many aliases of one long anchored list (linear text, quadratic data)', () => {
    // 2,000 nodes naming one role list of 2,000 entries: 4 million values from 60 KB. The YAML
    // library's own count takes a list of scalars as one, whatever its length.
    const roles = Array.from({ length: 2000 }, () => 'worker').join(', ');
    const nodes = Array.from(
      { length: 2000 },
      (_, i) =>
        `  - address: 10.1.${i >> 8}.${i & 255}\n    role: ${i === 0 ? `&roles [${roles}]` : '*roles'}\n`,
    ).join('');
    expect(loadError(`nodes:\n${nodes}`)).toMatch(
      /cluster\.yml: its aliases expand to \d+ values .* refused/,
    );
  });

  it('refuses an alias inside the node it names', () => {
    expect(loadError('nodes: &n\n  - address: 10.0.0.1\n    role: [worker]\n  - *n\n')).toMatch(
      /cluster\.yml: an alias refers to the node that holds it/,
    );
  });

  it('defaults kubernetes_version to RKE v0.1.11 default', () => {
    expect(loadClusterYml(file(NODES)).kubernetesVersion).toBe('v1.11.3-rancher1-1');
  });
});

describe('rkecis plan and remediate on bad input: exit 2, one line on stderr, nothing on stdout', () => {
  it.each([
    [
      'unknown service',
      `${NODES}services:\n  kube-apiserver: {}\n`,
      /unknown key "kube-apiserver"/,
    ],
    ['no nodes', 'cluster_name: x\n', /no "nodes" list/],
    [
      'unsupported version',
      `${NODES}kubernetes_version: v1.10.1-rancher1\n`,
      /no defaults for kubernetes_version/,
    ],
  ])('plan: %s', async (_name, text, message) => {
    const r = await runMain(['plan', file(text)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('plan: a missing file', async () => {
    const r = await runMain(['plan', '/nonexistent/cluster.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/cluster\.yml: no such file\n$/);
  });

  it('remediate: a bad --cluster-yml and a non-JSON report', async () => {
    const dir = tmp();
    const report = join(dir, 'r.json');
    writeFileSync(report, '[]');
    const a = await runMain([
      'remediate',
      report,
      '--cluster-yml',
      file('nodes: []\n'),
      '--output-dir',
      join(dir, 'out'),
    ]);
    expect(a.code).toBe(2);
    const b = await runMain(['remediate', file(NODES), '--output-dir', join(dir, 'out')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/not JSON.*rkecis plan/);
  });
});
