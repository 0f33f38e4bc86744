import { describe, expect, it } from 'vitest';
import { diffEvidence, jsonChanges } from '../../src/diff/evidence.js';
import { evidenceText } from '../../src/diff/formatters/lines.js';
import type { Evidence, FileEvidence } from '../../src/evidence/schema.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { file, makeEvidence } from '../helpers/evidence.js';

/** The evidence changes between a and b, each as the one line the text diff prints. */
const lines = (a: Evidence, b: Evidence): string[] =>
  diffEvidence(deepFreeze(a), deepFreeze(b)).map(
    (c) => `${c.area} ${c.subject}: ${evidenceText(c)}`,
  );

const dir = (entries: Record<string, FileEvidence>): FileEvidence =>
  file('755', 'root', 'root', { type: 'directory', entries });

describe('diffEvidence', () => {
  const cases: { name: string; a: Evidence; b: Evidence; expected: string[] }[] = [
    {
      name: 'identical evidence',
      a: makeEvidence({ args: { kubelet: ['kubelet', '--x=1'] } }),
      b: makeEvidence({ args: { kubelet: ['kubelet', '--x=1'] } }),
      expected: [],
    },
    {
      name: 'a flag removed, one added, one changed; order and bare booleans do not matter',
      a: makeEvidence({
        args: {
          'kube-apiserver': [
            'kube-apiserver',
            '--profiling=false',
            '--anonymous-auth=false',
            '--secure-port',
            '6443',
            '--client-cert-auth',
          ],
        },
      }),
      b: makeEvidence({
        args: {
          'kube-apiserver': [
            'kube-apiserver',
            '--client-cert-auth=true',
            '--secure-port=6443',
            '--anonymous-auth=true',
            '--basic-auth-file=/x.csv',
          ],
        },
      }),
      expected: [
        'container kube-apiserver: --anonymous-auth=false -> --anonymous-auth=true',
        'container kube-apiserver: --basic-auth-file=/x.csv added',
        'container kube-apiserver: --profiling=false removed',
      ],
    },
    {
      name: 'a container gone, another new, an image changed',
      a: makeEvidence({ args: { etcd: ['etcd'], kubelet: ['kubelet'] } }),
      b: makeEvidence({ args: { kubelet: ['kubelet'], 'kube-proxy': ['kube-proxy'] } }),
      expected: [
        'container etcd: removed (was rancher/hyperkube:v1.11.5-rancher1 (running))',
        'container kube-proxy: added (rancher/hyperkube:v1.11.5-rancher1 (running))',
      ],
    },
    {
      name: 'file mode, owner, content; a file gone and one new',
      a: makeEvidence({
        files: {
          '/a': file('644', 'root', 'root', { content: 'x: 1\n' }),
          '/gone': file('600'),
          '/new': { status: 'absent' },
        },
      }),
      b: makeEvidence({
        files: {
          '/a': file('666', 'ubuntu', 'root', { content: 'x: 2\ny: 3\n' }),
          '/gone': { status: 'absent' },
          '/new': file('600'),
        },
      }),
      expected: [
        'file /a: mode 644 -> 666',
        'file /a: owner root:root (0:0) -> ubuntu:root (1000:0)',
        'file /a: content changed (2 lines -> 3 lines)',
        'file /gone: removed (was file 600 root:root)',
        'file /new: added (file 600 root:root)',
      ],
    },
    {
      name: 'directory entries, by their full path',
      a: makeEvidence({ files: { '/etc/cni/net.d': dir({ '10-calico.conflist': file('644') }) } }),
      b: makeEvidence({
        files: {
          '/etc/cni/net.d': dir({ '10-calico.conflist': file('666'), '99-x.conf': file('600') }),
        },
      }),
      expected: [
        'file /etc/cni/net.d/10-calico.conflist: mode 644 -> 666',
        'file /etc/cni/net.d/99-x.conf: added (file 600 root:root)',
      ],
    },
    {
      name: 'an unreadable file is a status change, not a removal',
      a: makeEvidence({ files: { '/x': { status: 'absent' } } }),
      b: makeEvidence({ files: { '/x': { status: 'error', reason: 'EACCES' } } }),
      expected: ['file /x: status absent -> error: EACCES'],
    },
    {
      name: 'roles and Kubernetes objects',
      a: makeEvidence({
        roles: ['controlplane'],
        kubernetes: {
          version: 'v1.11.5',
          resources: {
            podsecuritypolicies: {
              status: 'ok',
              apiVersion: 'policy/v1beta1',
              items: { restricted: { spec: { privileged: false, volumes: ['secret'] } }, old: {} },
            },
          },
        },
      }),
      b: makeEvidence({
        roles: ['controlplane', 'worker'],
        kubernetes: {
          version: 'v1.11.6',
          resources: {
            podsecuritypolicies: {
              status: 'ok',
              apiVersion: 'policy/v1beta1',
              items: {
                restricted: { spec: { privileged: true, volumes: ['*'], hostPID: true } },
                extra: {},
              },
            },
          },
        },
      }),
      expected: [
        'roles roles: controlplane -> controlplane,worker',
        'kubernetes version: v1.11.5 -> v1.11.6',
        'kubernetes podsecuritypolicies/extra: added',
        'kubernetes podsecuritypolicies/old: removed',
        'kubernetes podsecuritypolicies/restricted: spec.hostPID added: true',
        'kubernetes podsecuritypolicies/restricted: spec.privileged false -> true',
        'kubernetes podsecuritypolicies/restricted: spec.volumes[0] secret -> *',
      ],
    },
    {
      name: 'a resource kind no longer served',
      a: makeEvidence({
        kubernetes: {
          resources: {
            podsecuritypolicies: { status: 'ok', apiVersion: 'policy/v1beta1', items: {} },
          },
        },
      }),
      b: makeEvidence({
        kubernetes: {
          resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
        },
      }),
      expected: ['kubernetes podsecuritypolicies: status 0 objects -> not-served: removed in 1.25'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(lines(c.a, c.b)).toEqual(c.expected);
    });
  }

  it('shows the named variables and the mounts that changed, where both scans read them', () => {
    const etcd = (env: Record<string, string | null> | undefined, source: string, rw = true) => {
      const e = makeEvidence({ args: { etcd: ['etcd'] } });
      const c = e.containers.etcd;
      if (c?.status === 'present') {
        if (env !== undefined) c.env = env;
        c.mounts = [{ type: 'bind', source, destination: '/var/lib/rancher/etcd', rw }];
      }
      return e;
    };
    expect(
      lines(
        etcd({ ETCD_AUTO_TLS: null, ETCD_PEER_AUTO_TLS: 'false', X: 'a' }, '/var/lib/etcd'),
        etcd({ ETCD_AUTO_TLS: 'true', ETCD_PEER_AUTO_TLS: null, X: 'b' }, '/data/etcd', false),
      ),
    ).toEqual([
      'container etcd: env ETCD_AUTO_TLS added: true',
      'container etcd: env ETCD_PEER_AUTO_TLS removed (was false)',
      'container etcd: env X a -> b',
      'container etcd: mount /var/lib/rancher/etcd bind /var/lib/etcd (rw) -> bind /data/etcd (ro)',
    ]);
    // A variable one scan did not collect says nothing of a change.
    expect(lines(etcd(undefined, '/a'), etcd({ A: 'x' }, '/a'))).toEqual([]);
  });

  it('names the node of side b on every change', () => {
    const a = makeEvidence({ files: { '/x': file('600') } });
    const b = { ...makeEvidence({ files: { '/x': file('644') } }), node: { name: 'other' } };
    expect(diffEvidence(a, b).map((c) => c.node)).toEqual(['other']);
  });
});

describe('jsonChanges', () => {
  it('finds leaf paths; arrays of another length change whole', () => {
    expect(jsonChanges({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1] }, d: null })).toEqual([
      { path: 'a.b', from: 1, to: 2 },
      { path: 'a.c', from: [1, 2], to: [1] },
      { path: 'd', to: null },
    ]);
    expect(jsonChanges([1], [1])).toEqual([]);
  });
});
