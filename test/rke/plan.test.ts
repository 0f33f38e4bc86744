import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/engine/flags.js';
import { clusterYmlSchema, type ClusterYml } from '../../src/rke/cluster-yml.js';
import { DEFAULT_ADMISSION_PLUGINS } from '../../src/rke/defaults-v0.1.js';
import { planCluster, planEvidence, type PlannedNode } from '../../src/rke/plan.js';

const cluster = (extra: Record<string, unknown> = {}): ClusterYml =>
  clusterYmlSchema.parse({
    nodes: [
      { address: '172.31.22.135', hostname_override: 'cp-1', role: ['controlplane', 'etcd'] },
      { address: '172.31.22.136', internal_address: '10.0.0.6', role: ['etcd', 'worker'] },
      { address: '172.31.22.137', role: ['worker'] },
    ],
    ...extra,
  });

const container = (node: PlannedNode | undefined, name: string) => {
  const c = node?.containers.find((x) => x.name === name);
  if (c === undefined) throw new Error(`${name} not planned on ${node?.name ?? '?'}`);
  return c;
};
const flags = (node: PlannedNode | undefined, name: string) =>
  parseFlags(container(node, name).args);

describe('planCluster: the containers RKE v0.1.x creates for each node and role', () => {
  const [cp, mixed, worker] = planCluster(cluster());

  it('names nodes by hostname_override, else address, and runs kubelet and kube-proxy everywhere', () => {
    expect([cp?.name, mixed?.name, worker?.name]).toEqual([
      'cp-1',
      '172.31.22.136',
      '172.31.22.137',
    ]);
    expect(cp?.containers.map((c) => c.name)).toEqual([
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'etcd',
      'kubelet',
      'kube-proxy',
    ]);
    expect(mixed?.containers.map((c) => c.name)).toEqual(['etcd', 'kubelet', 'kube-proxy']);
    expect(worker?.containers.map((c) => c.name)).toEqual(['kubelet', 'kube-proxy']);
  });

  it('gives etcd its bare booleans, dashed cert names of the internal address, and the data dir', () => {
    const c = container(mixed, 'etcd');
    expect(c.path).toBe('/usr/local/bin/etcd');
    expect(c.args.slice(0, 2)).toEqual(['--peer-client-cert-auth', '--client-cert-auth']);
    const f = parseFlags(c.args);
    expect(f.get('--cert-file')).toBe('/etc/kubernetes/ssl/kube-etcd-10-0-0-6.pem');
    expect(f.get('--key-file')).toBe('/etc/kubernetes/ssl/kube-etcd-10-0-0-6-key.pem');
    expect(f.get('--peer-cert-file')).toBe('/etc/kubernetes/ssl/kube-etcd-10-0-0-6.pem');
    expect(f.get('--trusted-ca-file')).toBe('/etc/kubernetes/ssl/kube-ca.pem');
    expect(f.get('--peer-trusted-ca-file')).toBe('/etc/kubernetes/ssl/kube-ca.pem');
    expect(f.get('--data-dir')).toBe('/var/lib/rancher/etcd/');
    expect(f.get('--initial-cluster')).toBe(
      'etcd-cp-1=https://172.31.22.135:2380,etcd-172.31.22.136=https://10.0.0.6:2380',
    );
    expect(container(cp, 'etcd').args).toContain(
      '--cert-file=/etc/kubernetes/ssl/kube-etcd-172-31-22-135.pem',
    );
  });

  it('gives kubelet the RKE defaults the guide shows', () => {
    const c = container(worker, 'kubelet');
    expect(c.path).toBe('/opt/rke-tools/entrypoint.sh');
    expect(c.args[0]).toBe('kubelet');
    expect(Object.fromEntries(flags(worker, 'kubelet'))).toMatchObject({
      '--hostname-override': '172.31.22.137',
      '--anonymous-auth': 'false',
      '--read-only-port': '0',
      '--cadvisor-port': '0',
      '--client-ca-file': '/etc/kubernetes/ssl/kube-ca.pem',
      '--kubeconfig': '/etc/kubernetes/ssl/kubecfg-kube-node.yaml',
    });
    expect(flags(worker, 'kubelet').has('--authorization-mode')).toBe(false);
    expect(flags(cp, 'kubelet').get('--hostname-override')).toBe('cp-1');
    expect(flags(mixed, 'kubelet').get('--node-ip')).toBe('10.0.0.6');
  });

  it('gives kube-apiserver its defaults, with the etcd flags after the map', () => {
    const c = container(cp, 'kube-apiserver');
    expect(c.args[0]).toBe('kube-apiserver');
    const f = flags(cp, 'kube-apiserver');
    expect(Object.fromEntries(f)).toMatchObject({
      '--insecure-bind-address': '127.0.0.1',
      '--insecure-port': '0',
      '--secure-port': '6443',
      '--authorization-mode': 'Node,RBAC',
      '--allow-privileged': 'true',
      '--storage-backend': 'etcd3',
      '--enable-admission-plugins': DEFAULT_ADMISSION_PLUGINS.join(','),
      '--etcd-certfile': '/etc/kubernetes/ssl/kube-node.pem',
      '--etcd-servers': 'https://172.31.22.135:2379,https://10.0.0.6:2379',
    });
    expect(c.args.at(-1)).toBe('--etcd-prefix=/registry');
    expect(f.has('--anonymous-auth')).toBe(false);
    expect(f.get('--tls-cipher-suites')?.split(',')).toHaveLength(6);
  });

  it('sorts the flags, so a plan is deterministic', () => {
    const args = container(cp, 'kube-scheduler').args.slice(1);
    expect(args).toEqual([...args].sort());
    expect(planCluster(cluster())).toEqual(planCluster(cluster()));
  });

  it('puts use-service-account-credentials after the map under RBAC only', () => {
    expect(container(cp, 'kube-controller-manager').args.at(-1)).toBe(
      '--use-service-account-credentials=true',
    );
    const [none] = planCluster(cluster({ authorization: { mode: 'none' } }));
    expect(flags(none, 'kube-controller-manager').has('--use-service-account-credentials')).toBe(
      false,
    );
    expect(flags(none, 'kube-apiserver').has('--authorization-mode')).toBe(false);
  });
});

describe('pod_security_policy and extra_args', () => {
  it('pod_security_policy: true appends PodSecurityPolicy and turns the API on', () => {
    const [cp] = planCluster(cluster({ services: { 'kube-api': { pod_security_policy: true } } }));
    const f = flags(cp, 'kube-apiserver');
    expect(f.get('--enable-admission-plugins')).toBe(
      `${DEFAULT_ADMISSION_PLUGINS.join(',')},PodSecurityPolicy`,
    );
    expect(f.get('--runtime-config')).toBe('extensions/v1beta1/podsecuritypolicy=true');
  });

  it('extra_args override defaults and add flags, values rendered --name=value', () => {
    const [cp, , worker] = planCluster(
      cluster({
        services: {
          'kube-api': {
            pod_security_policy: true,
            extra_args: { 'enable-admission-plugins': 'NodeRestriction', profiling: false },
          },
          kubelet: { extra_args: { 'event-qps': 0, 'hostname-override': '' } },
          etcd: { extra_args: { 'client-cert-auth': 'false' } },
        },
      }),
    );
    const api = container(cp, 'kube-apiserver').args;
    expect(api).toContain('--enable-admission-plugins=NodeRestriction');
    expect(api).toContain('--profiling=false');
    expect(container(worker, 'kubelet').args).toContain('--event-qps=0');
    expect(container(worker, 'kubelet').args).toContain('--hostname-override=');
    // RKE's bare flag comes first: a later extra_args value wins, as pflag's last occurrence does.
    expect(flags(cp, 'etcd').get('--client-cert-auth')).toBe('false');
  });

  it('cannot override what RKE puts after extra_args (kube-apiserver etcd flags)', () => {
    const [cp] = planCluster(
      cluster({ services: { 'kube-api': { extra_args: { 'etcd-prefix': '/other' } } } }),
    );
    expect(flags(cp, 'kube-apiserver').get('--etcd-prefix')).toBe('/registry');
  });

  it('uses extra_binds and images from cluster.yml', () => {
    const [cp] = planCluster(
      cluster({
        services: {
          'kube-api': {
            image: 'my/hyperkube:v1.11.9',
            extra_binds: ['/var/log/kube-audit:/var/log/kube-audit'],
          },
        },
      }),
    );
    const c = container(cp, 'kube-apiserver');
    expect(c.image).toBe('my/hyperkube:v1.11.9');
    expect(c.binds).toContain('/var/log/kube-audit:/var/log/kube-audit');
    expect(container(cp, 'kubelet').image).toBe('rancher/hyperkube:v1.11.3-rancher1');
  });
});

describe('planEvidence', () => {
  it('is valid evidence with declared roles, every component present or absent, no files', () => {
    const [, mixed] = planCluster(cluster());
    if (mixed === undefined) throw new Error('no node');
    const e = planEvidence(mixed, 'cluster.yml');
    expect(e.roles).toMatchObject({ detected: ['etcd', 'worker'], source: 'declared' });
    expect(e.containers['kube-apiserver']).toEqual({ status: 'absent' });
    expect(e.containers.etcd?.status).toBe('present');
    expect(e.files).toEqual({});
  });

  it('adds the worker role to nodes without it: RKE runs kubelet there too', () => {
    const [cp] = planCluster(cluster());
    if (cp === undefined) throw new Error('no node');
    const e = planEvidence(cp, 'cluster.yml');
    expect(e.roles.detected).toEqual(['controlplane', 'etcd', 'worker']);
    expect(e.roles.reason).toContain('kubelet');
  });
});
