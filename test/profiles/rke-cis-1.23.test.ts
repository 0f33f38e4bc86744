import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { Status } from '../../src/report/types.js';

/**
 * rke-cis-1.23 judges what the benchmark means where the guide's kube-bench expectations cannot
 * fail or pass over broken output: each case changes the guide's reconstructed hardened node in
 * one way and names the verdict that control must then give.
 */

const profile = loadProfile('rke-cis-1.23');
const EXAMPLE = 'examples/rke-cis-1.23/hardened-node.json';

function node(change: (e: Evidence) => void): Evidence {
  const e = structuredClone(readEvidence(EXAMPLE));
  change(e);
  return e;
}

function statusOf(e: Evidence, id: string): Status {
  const r = evaluate(profile, e).results.find((x) => x.id === id);
  if (r === undefined) throw new Error(`${id} not evaluated`);
  return r.status;
}

/** The container's args with `flag` removed, then `add` appended. */
function args(e: Evidence, container: string, flag: string, add?: string): void {
  const c = e.containers[container];
  if (c?.status !== 'present') throw new Error(`${container} not present`);
  c.args = c.args.filter((a) => a !== flag && !a.startsWith(`${flag}=`));
  if (add !== undefined) c.args.push(add);
}

function setEnv(e: Evidence, name: string, value: string | null | undefined): void {
  const c = e.containers.etcd;
  if (c?.status !== 'present') throw new Error('etcd not present');
  const others = Object.entries(c.env ?? {}).filter(([k]) => k !== name);
  c.env = Object.fromEntries(value === undefined ? others : [...others, [name, value]]);
}

function resource(e: Evidence, name: string): Record<string, unknown> {
  const r = e.kubernetes?.resources[name];
  if (r?.status !== 'ok') throw new Error(`${name} not listed`);
  return r.items;
}

describe('rke-cis-1.23 on changes to the guide\'s hardened node', () => {
  it('passes the unchanged node where the guide states pass', () => {
    const e = node(() => undefined);
    for (const id of ['1.2.4', '1.2.14', '2.3', '2.6', '4.2.11', '4.1.4', '5.1.5', '5.7.4'])
      expect(statusOf(e, id), id).toBe('pass');
  });

  it.each([
    ['1.2.4', 'kube-apiserver', '--kubelet-https', '--kubelet-https=false'],
    ['1.2.14', 'kube-apiserver', '--disable-admission-plugins', '--disable-admission-plugins=ServiceAccount'],
    ['1.2.15', 'kube-apiserver', '--disable-admission-plugins', '--disable-admission-plugins=NamespaceLifecycle'],
    ['1.2.25', 'kube-apiserver', '--service-account-key-file', undefined],
    ['1.2.32', 'kube-apiserver', '--tls-cipher-suites', '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
    ['2.3', 'etcd', '--auto-tls', '--auto-tls=true'],
    ['2.6', 'etcd', '--peer-auto-tls', '--peer-auto-tls=true'],
    ['4.2.4', 'kubelet', '--read-only-port', undefined],
    ['4.2.5', 'kubelet', '--streaming-connection-idle-timeout', '--streaming-connection-idle-timeout=0s'],
    ['4.2.11', 'kubelet', '--rotate-certificates', '--rotate-certificates=false'],
  ] as const)(
    '%s fails when %s has %s changed to %s, though the guide\'s expectation would pass it',
    (id, container, flag, add) => {
      expect(statusOf(node((e) => {
        args(e, container, flag, add);
      }), id)).toBe('fail');
    },
  );

  it('1.3.7 and 1.4.2 pass once --bind-address=127.0.0.1 is given (the guide\'s node lacks it)', () => {
    const e = node((x) => {
      args(x, 'kube-controller-manager', '--bind-address', '--bind-address=127.0.0.1');
      args(x, 'kube-scheduler', '--bind-address', '--bind-address=127.0.0.1');
    });
    expect(statusOf(e, '1.3.7')).toBe('pass');
    expect(statusOf(e, '1.4.2')).toBe('pass');
  });

  it('2.3 and 2.6 read etcd\'s environment too: set true fails, not collected is error', () => {
    expect(statusOf(node((e) => {
        setEnv(e, 'ETCD_AUTO_TLS', 'true');
      }), '2.3')).toBe('fail');
    expect(statusOf(node((e) => {
        setEnv(e, 'ETCD_PEER_AUTO_TLS', 'true');
      }), '2.6')).toBe('fail');
    expect(statusOf(node((e) => {
        setEnv(e, 'ETCD_AUTO_TLS', undefined);
      }), '2.3')).toBe('error');
  });

  it('1.2.31 fails when identity comes before aescbc in the encryption config', () => {
    const e = node((x) => {
      const f = x.files['/etc/kubernetes/ssl/encryption.yaml'];
      if (f?.status !== 'present' || f.content === undefined) throw new Error('no encryption config');
      f.content = [
        'apiVersion: apiserver.config.k8s.io/v1',
        'kind: EncryptionConfiguration',
        'resources:',
        '- resources:',
        '  - secrets',
        '  providers:',
        '  - identity: {}',
        '  - aescbc:',
        '      keys:',
        '      - name: k-fw5hn',
        '        secret: <redacted>',
        '',
      ].join('\n');
    });
    expect(statusOf(e, '1.2.31')).toBe('fail');
  });

  it('4.1.3 and 4.1.4 are not-applicable when the proxy kubeconfig does not exist, never pass', () => {
    const e = node((x) => {
      x.files['/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml'] = { status: 'absent' };
    });
    expect(statusOf(e, '4.1.3')).toBe('not-applicable');
    expect(statusOf(e, '4.1.4')).toBe('not-applicable');
  });

  it('1.1.11 reads the etcd data dir through the mount: no mount covering --data-dir is error', () => {
    const e = node((x) => {
      const c = x.containers.etcd;
      if (c?.status === 'present') c.mounts = (c.mounts ?? []).filter((m) => m.source !== '/var/lib/etcd');
    });
    expect(statusOf(e, '1.1.11')).toBe('error');
  });

  it('5.1.5 and 5.7.4 are error where the lists could not be read (the guide passed over Forbidden)', () => {
    const forbidden = { status: 'error', reason: 'forbidden' } as const;
    const e = node((x) => {
      const r = x.kubernetes?.resources;
      if (r === undefined) throw new Error('no resources');
      r.serviceaccounts = forbidden;
      r.replicationcontrollers = forbidden;
    });
    expect(statusOf(e, '5.1.5')).toBe('error');
    expect(statusOf(e, '5.7.4')).toBe('error');
  });

  it('5.1.5 fails a default service account that mounts its token; 5.7.4 a pod in default', () => {
    expect(
      statusOf(
        node((e) => {
          const sa = resource(e, 'serviceaccounts')['default/default'] as Record<string, unknown>;
          delete sa.automountServiceAccountToken;
        }),
        '5.1.5',
      ),
    ).toBe('fail');
    expect(
      statusOf(
        node((e) => {
          resource(e, 'pods')['default/web'] = {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'web', namespace: 'default' },
          };
        }),
        '5.7.4',
      ),
    ).toBe('fail');
  });

  it('1.1.9 and 1.1.10 judge each CNI file: one at 664 or owned by another user fails', () => {
    const e = node((x) => {
      const d = x.files['/etc/cni/net.d'];
      const f = d?.status === 'present' ? d.entries?.['10-canal.conflist'] : undefined;
      if (f?.status !== 'present') throw new Error('no canal file');
      f.mode = '664';
      f.user = 'nobody';
      f.uid = 65534;
    });
    expect(statusOf(e, '1.1.9')).toBe('fail');
    expect(statusOf(e, '1.1.10')).toBe('fail');
  });
});
