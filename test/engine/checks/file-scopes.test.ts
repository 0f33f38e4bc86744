import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../../src/engine/checks/glob.js';
import { hostPathOf } from '../../../src/engine/checks/paths-from.js';
import type { Evidence, FileEvidence, Mount } from '../../../src/evidence/schema.js';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { file, makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

/**
 * The file kinds' scopes (file-mode.test.ts and file-owner.test.ts hold their plain tables):
 * globs over a folder's entries, the folder itself too, optional files, paths from flags.
 */

const SSL = '/etc/kubernetes/ssl';
const folder = (entries: Record<string, FileEvidence>, mode = '755'): FileEvidence =>
  ({ ...file(mode), type: 'directory', entries }) as FileEvidence;
const ssl = (entries: Record<string, FileEvidence>, mode = '755'): Evidence =>
  makeEvidence({ files: { [SSL]: folder(entries, mode) } });

checkTester(
  'file-mode: *.pem but *key.pem',
  {
    kind: 'file-mode',
    paths: [SSL],
    target: 'entries',
    match: ['*.pem'],
    exclude: ['*key.pem'],
    max: '644',
  },
  {
    valid: [
      {
        name: 'certificates 644, keys (left out) 666, other files left out',
        evidence: ssl({
          'kube-ca.pem': file('644'),
          'kube-apiserver.pem': file('600'),
          'kube-apiserver-key.pem': file('666'),
          'kubecfg-kube-node.yaml': file('777'),
        }),
        found: { id: 'judged-values', data: { count: 2 } },
        actual: `${SSL}: entries matching *.pem, except *key.pem: all 2 pass (600, 644)`,
      },
      {
        name: 'an unreadable entry that is not chosen does not matter',
        evidence: ssl({
          'kube-ca.pem': file('644'),
          'x-key.pem': { status: 'error', reason: 'EACCES' },
        }),
      },
    ],
    invalid: [
      {
        name: 'one certificate 664',
        evidence: ssl({ 'kube-ca.pem': file('644'), 'kube-node.pem': file('664') }),
        actual: `${SSL}/kube-node.pem: 664`,
      },
      {
        name: 'a hidden certificate is a certificate (unlike a shell glob)',
        evidence: ssl({ 'kube-ca.pem': file('644'), '.old.pem': file('666') }),
        actual: `${SSL}/.old.pem: 666`,
      },
      {
        name: 'no certificate at all: nothing proven',
        evidence: ssl({ 'kube-apiserver-key.pem': file('600') }),
        status: 'error',
        found: { id: 'no-match' },
        actual: 'no file matches',
      },
      {
        name: 'a chosen entry that is a symlink is not followed',
        evidence: ssl({
          'kube-ca.pem': { ...file('777'), type: 'symlink', target: '/etc/shadow' } as FileEvidence,
        }),
        status: 'error',
        found: { id: 'symlink' },
      },
      {
        name: 'a chosen entry that could not be examined',
        evidence: ssl({ 'kube-ca.pem': { status: 'error', reason: 'EACCES' } }),
        status: 'error',
        actual: 'EACCES',
      },
      {
        name: 'the folder does not exist',
        evidence: makeEvidence({ files: { [SSL]: { status: 'absent' } } }),
        status: 'error',
        found: { id: 'file-absent' },
      },
    ],
  },
);

checkTester(
  'file-mode: *key.pem, empty allowed',
  {
    kind: 'file-mode',
    paths: [SSL],
    target: 'entries',
    match: ['*key.pem'],
    empty: 'pass',
    max: '600',
  },
  {
    valid: [
      { name: 'keys 600', evidence: ssl({ 'a-key.pem': file('600'), 'a.pem': file('644') }) },
      {
        name: 'no key: the control allows none',
        evidence: ssl({ 'a.pem': file('644') }),
        actual: 'none',
      },
    ],
    invalid: [{ name: 'a key 640', evidence: ssl({ 'a-key.pem': file('640') }) }],
  },
);

checkTester(
  'file-owner: the folder and its files',
  { kind: 'file-owner', paths: [SSL], target: 'self-and-entries', owner: 'root:root' },
  {
    valid: [
      {
        name: 'folder and files root:root',
        evidence: ssl({ 'kube-ca.pem': file('644') }),
        actual: `${SSL} and its entries: all 2 pass (root:root)`,
      },
    ],
    invalid: [
      {
        name: 'the folder itself is not root',
        evidence: makeEvidence({
          files: {
            [SSL]: { ...folder({ 'a.pem': file('644') }), user: 'rke', uid: 1000 } as FileEvidence,
          },
        }),
        actual: `${SSL}: rke:root`,
      },
      {
        name: 'a file is not root',
        evidence: ssl({ 'a.pem': file('644', 'rke') }),
        actual: `${SSL}/a.pem: rke:root`,
      },
      {
        name: 'an empty folder: nothing proven of its files',
        evidence: ssl({}),
        status: 'error',
        found: { id: 'no-match' },
      },
      {
        name: 'a file where the folder should be',
        evidence: makeEvidence({ files: { [SSL]: file('644') } }),
        status: 'error',
        found: { id: 'not-a-directory' },
      },
    ],
  },
);

const PROXY = '/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml';
checkTester(
  'file-mode: optional',
  { kind: 'file-mode', paths: [PROXY], optional: true, max: '644' },
  {
    valid: [{ name: 'exists, 644', evidence: makeEvidence({ files: { [PROXY]: file('644') } }) }],
    invalid: [
      {
        name: 'does not exist: not applicable, never a pass',
        evidence: makeEvidence({ files: { [PROXY]: { status: 'absent' } } }),
        status: 'not-applicable',
        found: { id: 'optional-absent' },
        actual: `${PROXY} does not exist; the control applies only if it does`,
      },
      { name: 'exists, 666', evidence: makeEvidence({ files: { [PROXY]: file('666') } }) },
      {
        name: 'unreadable is still an error',
        evidence: makeEvidence({ files: { [PROXY]: { status: 'error', reason: 'EACCES' } } }),
        status: 'error',
      },
      {
        name: 'not collected is still an error',
        evidence: makeEvidence(),
        status: 'error',
        found: { id: 'file-not-collected' },
      },
    ],
  },
);

checkTester(
  'file-mode: optional, two paths',
  { kind: 'file-mode', paths: ['/a', '/b'], optional: true, max: '644' },
  {
    valid: [
      {
        name: 'one exists and passes',
        evidence: makeEvidence({ files: { '/a': { status: 'absent' }, '/b': file('600') } }),
        actual: '600',
      },
    ],
    invalid: [
      {
        name: 'the one that exists fails',
        evidence: makeEvidence({ files: { '/a': file('666'), '/b': { status: 'absent' } } }),
      },
      {
        name: 'neither exists',
        evidence: makeEvidence({
          files: { '/a': { status: 'absent' }, '/b': { status: 'absent' } },
        }),
        status: 'not-applicable',
        actual: '/a, /b do not exist; the control applies only if one does',
      },
    ],
  },
);

const ETCD_MOUNTS: Mount[] = [
  { type: 'bind', source: '/var/lib/etcd', destination: '/var/lib/rancher/etcd', rw: true },
  { type: 'bind', source: '/etc/kubernetes', destination: '/etc/kubernetes', rw: true },
];
const etcd = (
  args: string[],
  files: Record<string, FileEvidence>,
  mounts: Mount[] | null = ETCD_MOUNTS,
): Evidence => {
  const e = makeEvidence({ args: { etcd: ['/usr/local/bin/etcd', ...args] }, files });
  const c = e.containers.etcd;
  if (c?.status === 'present' && mounts !== null) c.mounts = mounts;
  return e;
};
const dataDir = (mode: string, user = 'etcd'): Record<string, FileEvidence> => ({
  '/var/lib/etcd': { ...file(mode, user, user), type: 'directory' } as FileEvidence,
});

checkTester(
  'file-owner: from etcd --data-dir through its mounts',
  { kind: 'file-owner', from: { container: 'etcd', flag: '--data-dir' }, owner: 'etcd:etcd' },
  {
    valid: [
      {
        name: 'the container path is the host path its mount says',
        evidence: etcd(['--data-dir=/var/lib/rancher/etcd/'], dataDir('700')),
        found: {
          id: 'file-values',
          data: { files: [{ path: '/var/lib/etcd', value: 'etcd:etcd' }] },
        },
        actual: '/var/lib/etcd: etcd:etcd',
      },
      {
        name: 'etcd reads a single dash too',
        evidence: etcd(['-data-dir', '/var/lib/rancher/etcd'], dataDir('700')),
      },
    ],
    invalid: [
      {
        name: 'owned by root',
        evidence: etcd(['--data-dir=/var/lib/rancher/etcd/'], dataDir('700', 'root')),
        actual: '/var/lib/etcd: root:root',
      },
      {
        name: 'the flag is not set and there is no default',
        evidence: etcd(['--name=etcd-1'], dataDir('700')),
        status: 'error',
        found: { id: 'path-flag-unset' },
      },
      {
        name: 'a path no mount covers',
        evidence: etcd(['--data-dir=/data'], dataDir('700')),
        status: 'error',
        found: { id: 'path-not-mounted', data: { path: '/data' } },
      },
      {
        name: 'a path that climbs out of its mount is not under it',
        evidence: etcd(['--data-dir=/var/lib/rancher/etcd/../../../../etc/shadow'], dataDir('700')),
        status: 'error',
        found: { id: 'path-not-mounted', data: { path: '/etc/shadow' } },
      },
      {
        name: 'a relative path',
        evidence: etcd(['--data-dir=default.etcd'], dataDir('700')),
        status: 'error',
        found: { id: 'path-not-absolute' },
      },
      {
        name: 'mounts not collected',
        evidence: etcd(['--data-dir=/var/lib/rancher/etcd/'], dataDir('700'), null),
        status: 'error',
        found: { id: 'mounts-not-collected' },
      },
      {
        name: 'the host path was not read',
        evidence: etcd(['--data-dir=/var/lib/rancher/etcd/'], {}),
        status: 'error',
        found: { id: 'file-not-collected', data: { path: '/var/lib/etcd' } },
      },
      {
        name: 'the container is absent',
        evidence: { ...makeEvidence(), containers: { etcd: { status: 'absent' } } },
        status: 'error',
        found: { id: 'container-absent' },
      },
      {
        name: 'the flag value is in doubt',
        evidence: etcd(['--data-dir', '--name=x'], dataDir('700')),
        status: 'error',
        found: { id: 'flag-in-doubt' },
      },
    ],
  },
);

const CA = '/etc/kubernetes/ssl/kube-ca.pem';
const kubelet = (args: string[], files: Record<string, FileEvidence>): Evidence => {
  const e = makeEvidence({ args: { kubelet: ['kubelet', ...args] }, files });
  const c = e.containers.kubelet;
  if (c?.status === 'present')
    c.mounts = [
      { type: 'bind', source: '/etc/kubernetes', destination: '/etc/kubernetes', rw: true },
    ];
  return e;
};

checkTester(
  'file-mode: from a flag with a default',
  {
    kind: 'file-mode',
    from: { container: 'kubelet', flag: '--client-ca-file', default: CA },
    max: '644',
  },
  {
    valid: [
      {
        name: 'flag unset: the default',
        evidence: kubelet([], { [CA]: file('644') }),
        actual: `${CA}: 644`,
      },
      {
        name: 'flag set',
        evidence: kubelet(['--client-ca-file=/etc/kubernetes/other.pem'], {
          '/etc/kubernetes/other.pem': file('600'),
        }),
      },
    ],
    invalid: [{ name: 'the default, 666', evidence: kubelet([], { [CA]: file('666') }) }],
  },
);

checkTester(
  'file-mode: optional from a flag (the kubelet --config file)',
  {
    kind: 'file-mode',
    from: { container: 'kubelet', flag: '--config' },
    optional: true,
    max: '600',
  },
  {
    valid: [
      {
        name: 'set, 600',
        evidence: kubelet(['--config=/etc/kubernetes/kubelet.yaml'], {
          '/etc/kubernetes/kubelet.yaml': file('600'),
        }),
      },
    ],
    invalid: [
      {
        name: 'not set: not applicable',
        evidence: kubelet([], {}),
        status: 'not-applicable',
        found: { id: 'path-flag-unset-optional' },
        actual: '--config is not set on kubelet; the control applies only if it is',
      },
      {
        name: 'set, but the file does not exist',
        evidence: kubelet(['--config=/etc/kubernetes/kubelet.yaml'], {
          '/etc/kubernetes/kubelet.yaml': { status: 'absent' },
        }),
        status: 'not-applicable',
      },
    ],
  },
);

checkTester(
  'file-content: from a flag',
  {
    kind: 'file-content',
    from: { container: 'kube-apiserver', flag: '--encryption-provider-config' },
    format: 'yaml',
    select: 'resources.*.providers.0',
    test: { op: 'valid_elements', value: 'aescbc,kms,secretbox' },
  },
  {
    valid: [
      {
        name: 'aescbc first',
        evidence: (() => {
          const e = makeEvidence({
            args: {
              'kube-apiserver': [
                'kube-apiserver',
                '--encryption-provider-config=/etc/kubernetes/ssl/encryption.yaml',
              ],
            },
            files: {
              '/etc/kubernetes/ssl/encryption.yaml': file('600', 'root', 'root', {
                content: 'resources:\n- providers:\n  - aescbc: {}\n  - identity: {}\n',
              }),
            },
          });
          const c = e.containers['kube-apiserver'];
          if (c?.status === 'present')
            c.mounts = [
              { type: 'bind', source: '/etc/kubernetes', destination: '/etc/kubernetes', rw: true },
            ];
          return e;
        })(),
      },
    ],
    invalid: [
      {
        name: 'the flag is not set',
        evidence: (() => {
          const e = makeEvidence({ args: { 'kube-apiserver': ['kube-apiserver'] } });
          const c = e.containers['kube-apiserver'];
          if (c?.status === 'present') c.mounts = [];
          return e;
        })(),
        status: 'error',
        found: { id: 'path-flag-unset' },
      },
    ],
  },
);

describe('file scopes: their parts', () => {
  it('a glob matches names only: * any run (a leading dot too), ? one character', () => {
    expect(matchesGlob('*.pem', 'kube-ca.pem')).toBe(true);
    expect(matchesGlob('*.pem', '.pem')).toBe(true);
    expect(matchesGlob('*.pem', 'kube-ca.pem.bak')).toBe(false);
    expect(matchesGlob('*key*', 'kube-apiserver-key.pem')).toBe(true);
    expect(matchesGlob('?.pem', 'a.pem')).toBe(true);
    expect(matchesGlob('?.pem', 'ab.pem')).toBe(false);
    expect(matchesGlob('[a].pem', '[a].pem')).toBe(true);
    expect(matchesGlob('é?', 'éü')).toBe(true);
    expect(matchesGlob(`${'*a'.repeat(20)}b`, 'a'.repeat(200))).toBe(false);
  });

  it('a container path is the host path of the mount holding most of it', () => {
    const mounts: Mount[] = [
      { type: 'bind', source: '/etc/kubernetes', destination: '/etc/kubernetes', rw: true },
      { type: 'bind', source: '/opt/ssl', destination: '/etc/kubernetes/ssl', rw: false },
      { type: 'tmpfs', source: '', destination: '/run', rw: true },
    ];
    expect(hostPathOf(mounts, '/etc/kubernetes/ssl/a.pem')).toBe('/opt/ssl/a.pem');
    expect(hostPathOf(mounts, '/etc/kubernetes/x.yaml')).toBe('/etc/kubernetes/x.yaml');
    expect(hostPathOf(mounts, '/etc/kubernetesx/y')).toBeUndefined();
    expect(hostPathOf(mounts, '/run/secret')).toBeUndefined();
    expect(hostPathOf(mounts, '/etc/kubernetes/ssl/')).toBe('/opt/ssl');
  });

  it('refuses a glob or a path that could lead out of the folder or --root', () => {
    const bad = [
      { kind: 'file-mode', paths: [SSL], target: 'entries', match: ['../*.pem'], max: '644' },
      { kind: 'file-mode', paths: [SSL], target: 'entries', match: ['..'], max: '644' },
      { kind: 'file-mode', paths: [SSL], target: 'entries', exclude: ['a/b'], max: '644' },
      { kind: 'file-mode', paths: ['/etc/../../root'], max: '644' },
      {
        kind: 'file-mode',
        from: { container: 'etcd', flag: '--data-dir', default: '/x/../..' },
        max: '700',
      },
      { kind: 'file-mode', paths: [SSL], match: ['*.pem'], max: '644' },
      {
        kind: 'file-mode',
        paths: [SSL],
        from: { container: 'etcd', flag: '--data-dir' },
        max: '644',
      },
      { kind: 'file-mode', max: '644' },
      { kind: 'file-content', format: 'yaml', select: 'a', test: { set: true } },
    ];
    for (const raw of bad)
      expect(checkSchema.safeParse(raw).success, JSON.stringify(raw)).toBe(false);
  });

  it('needs the container (with its mounts) and the flag path; each path once', () => {
    const p = partsOf({
      kind: 'file-owner',
      from: { container: 'etcd', flag: '--data-dir' },
      owner: 'etcd:etcd',
    });
    expect(p.requires()).toEqual({
      containers: ['etcd'],
      mounts: ['etcd'],
      files: [],
      fromFlags: [
        { from: { container: 'etcd', flag: '--data-dir' }, entries: false, content: false },
      ],
      kubernetes: [],
    });
    expect(p.plan()).toMatchObject({ what: 'files', paths: ['the path --data-dir of etcd names'] });
  });

  it('fixes the offending files found, one by one; nothing when not applicable', () => {
    const p = partsOf({
      kind: 'file-mode',
      paths: [SSL],
      target: 'entries',
      match: ['*.pem'],
      max: '644',
    });
    const v = p.run(ssl({ 'a.pem': file('644'), 'b.pem': file('666'), 'c.yaml': file('777') }));
    expect(v.status).toBe('fail');
    expect(p.fix('fail', v.found)).toEqual({
      to: 'file-mode',
      paths: [`${SSL}/b.pem`],
      entries: false,
      max: '644',
    });
    const o = partsOf({ kind: 'file-mode', paths: ['/a'], optional: true, max: '644' });
    expect(
      o.fix('not-applicable', { id: 'optional-absent', data: { paths: ['/a'] } }),
    ).toBeUndefined();
  });
});
