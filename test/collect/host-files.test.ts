import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './expect-error.js';
import { collectFiles, MAX_CONTENT_BYTES } from '../../src/collect/host-files.js';
import { fileEvidenceSchema } from '../../src/evidence/schema.js';

const SECRET = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo3ODkwMTI=';
let root: string;
let outside: string;

function put(path: string, text: string, mode: number, uid = 0, gid = 0): void {
  const real = join(root, path);
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, text);
  // chown clears setuid bits, so it goes first.
  chownSync(real, uid, gid);
  chmodSync(real, mode);
}

const want = (path: string, extra: { entries?: boolean; content?: boolean } = {}) => [
  { path, entries: extra.entries ?? false, content: extra.content ?? false },
];
const one = async (path: string, extra: { entries?: boolean; content?: boolean } = {}, r = root) =>
  (await collectFiles(r, want(path, extra)))[path];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rkecis-root-'));
  outside = mkdtempSync(join(tmpdir(), 'rkecis-outside-'));
  writeFileSync(join(outside, 'secret.yaml'), `secret: ${SECRET}\n`);
  put(
    '/etc/passwd',
    [
      'root:x:0:0:root:/root:/bin/bash',
      '# a comment',
      'broken line without colons',
      ':x:5:5::/:/bin/false',
      'bad:x:notanumber:1::/:/bin/false',
      '+nisuser::::::',
      'etcd:x:52034:52034::/var/lib/etcd:/usr/sbin/nologin',
      'shadowed:x:52034:52034::/:/bin/false',
      '',
    ].join('\n'),
    0o644,
  );
  put('/etc/group', 'root:x:0:\netcd:x:52034:\ngarbage\n', 0o644);
  put('/etc/kubernetes/ssl/kube-ca.pem', 'CERT', 0o644);
  put('/etc/kubernetes/ssl/kubecfg-kube-node.yaml', 'apiVersion: v1\n', 0o600);
  put('/etc/kubernetes/ssl/setuid', '', 0o4755);
  mkdirSync(join(root, 'var/lib/etcd/member'), { recursive: true });
  chmodSync(join(root, 'var/lib/etcd'), 0o700);
  chownSync(join(root, 'var/lib/etcd'), 52034, 52034);
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 });
  chmodSync(join(root, 'tmp'), 0o1777);
  put(
    '/etc/kubernetes/encryption.yaml',
    [
      'apiVersion: apiserver.config.k8s.io/v1',
      'kind: EncryptionConfiguration',
      `# rotated out: ${SECRET}`,
      'resources:',
      '  - resources: [secrets]',
      '    providers:',
      '      - aescbc:',
      '          keys:',
      '            - name: key1',
      `              secret: ${SECRET}`,
      '      - identity: {}',
      '',
    ].join('\n'),
    0o600,
  );
  put('/etc/kubernetes/broken.yaml', `providers:\n  - aescbc: {keys: [{secret: ${SECRET}\n`, 0o600);
  put('/etc/cni/net.d/10-calico.conflist', '{}', 0o644);
  put('/etc/cni/net.d/calico-kubeconfig', 'token: x', 0o600);
  mkdirSync(join(root, 'etc/cni/net.d/sub/deeper'), { recursive: true });
  symlinkSync('/etc/kubernetes/ssl/kube-ca.pem', join(root, 'etc/cni/net.d/ca-link'));
  // Links that would lead out of the root if followed naively.
  symlinkSync(join(outside, 'secret.yaml'), join(root, 'etc/kubernetes/escape.yaml'));
  symlinkSync('../../../../../../../..' + outside, join(root, 'etc/kubernetes/dotdot'));
  symlinkSync(outside, join(root, 'etc/abs-outside'));
  // A directory on the way that is a link: /opt/k8s -> /etc/kubernetes (inside the node).
  mkdirSync(join(root, 'opt'));
  symlinkSync('/etc/kubernetes', join(root, 'opt/k8s'));
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));
  mkdirSync(join(root, 'etc/kubernetes/dir.yaml'));
  execFileSync('mkfifo', [join(root, 'etc/kubernetes/fifo.yaml')]);
  put('/etc/kubernetes/big.yaml', `a: ${'x'.repeat(MAX_CONTENT_BYTES)}\n`, 0o600);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('collectFiles', () => {
  it('reports mode as stat -c %a prints it, and names from the node passwd/group', async () => {
    expect(await one('/etc/kubernetes/ssl/kubecfg-kube-node.yaml')).toEqual({
      status: 'present',
      type: 'file',
      mode: '600',
      uid: 0,
      gid: 0,
      user: 'root',
      group: 'root',
    });
    expect(await one('/var/lib/etcd')).toMatchObject({
      type: 'directory',
      mode: '700',
      user: 'etcd',
      group: 'etcd',
      uid: 52034,
    });
    expect(await one('/tmp')).toMatchObject({ type: 'directory', mode: '1777' });
    expect(await one('/etc/kubernetes/ssl/setuid')).toMatchObject({ mode: '4755' });
  });

  it('prints ids as numbers when the node has no passwd or group', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'rkecis-bare-'));
    try {
      mkdirSync(join(bare, 'var/lib/etcd'), { recursive: true });
      chownSync(join(bare, 'var/lib/etcd'), 52034, 52035);
      expect(await one('/var/lib/etcd', {}, bare)).toMatchObject({ user: '52034', group: '52035' });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('reports a missing file as absent, also below a file', async () => {
    expect(await one('/etc/kubernetes/ssl/nope.pem')).toEqual({ status: 'absent' });
    expect(await one('/etc/kubernetes/ssl/kube-ca.pem/child')).toEqual({ status: 'absent' });
  });

  it('reports a symlink as a link with its target, not what it points to', async () => {
    expect(await one('/etc/kubernetes/escape.yaml')).toMatchObject({
      type: 'symlink',
      mode: '777',
      target: join(outside, 'secret.yaml'),
    });
  });

  it('never reads through a link, inside the root or out of it', async () => {
    const got = await one('/etc/kubernetes/escape.yaml', { content: true });
    expectError(got, /is a symlink to .*not a regular file/);
    expect(JSON.stringify(got)).not.toContain(SECRET.slice(0, 20));
  });

  it('follows links on the way inside the root, never out of it', async () => {
    expect(await one('/opt/k8s/ssl/kubecfg-kube-node.yaml')).toMatchObject({
      type: 'file',
      mode: '600',
    });
    // An absolute link is the node's own path: under the root there is no such folder.
    expect(await one('/etc/abs-outside/secret.yaml', { content: true })).toEqual({
      status: 'absent',
    });
    // `..` stops at the root.
    expect(await one('/etc/kubernetes/dotdot/secret.yaml', { content: true })).toEqual({
      status: 'absent',
    });
  });

  it('reports a loop of links as an error', async () => {
    expectError(await one('/etc/loop-a/x'), /too many levels of symbolic links/);
  });

  it('describes each entry of a directory when asked, without descending', async () => {
    const got = await one('/etc/cni/net.d', { entries: true });
    expect(got).toMatchObject({ type: 'directory' });
    const entries = (got as { entries: Record<string, unknown> }).entries;
    expect(Object.keys(entries)).toEqual([
      '10-calico.conflist',
      'ca-link',
      'calico-kubeconfig',
      'sub',
    ]);
    expect(entries['calico-kubeconfig']).toMatchObject({ type: 'file', mode: '600', user: 'root' });
    expect(entries['ca-link']).toMatchObject({
      type: 'symlink',
      target: '/etc/kubernetes/ssl/kube-ca.pem',
    });
    expect(entries.sub).toMatchObject({ type: 'directory' });
    expect(entries.sub).not.toHaveProperty('entries');
    expect(await one('/etc/cni/net.d')).not.toHaveProperty('entries');
  });

  it('reads YAML content with every secret redacted, comments dropped', async () => {
    const got = await one('/etc/kubernetes/encryption.yaml', { content: true });
    expect(got).toMatchObject({ type: 'file', mode: '600' });
    const content = (got as { content: string }).content;
    expect(content).toContain('aescbc');
    expect(content).toContain('secret: <redacted>');
    expect(content).toContain('name: key1');
    expect(JSON.stringify(got)).not.toContain(SECRET.slice(0, 12));
  });

  it('withholds the content of YAML that does not parse, and quotes none of it', async () => {
    const got = await one('/etc/kubernetes/broken.yaml', { content: true });
    expectError(got, /broken.yaml is not valid YAML \(.*line \d+.*withheld/);
    expect(JSON.stringify(got)).not.toContain(SECRET.slice(0, 12));
  });

  it.each([
    ['/etc/kubernetes/dir.yaml', /is a directory, not a regular file/],
    ['/etc/kubernetes/fifo.yaml', /is a fifo, not a regular file/],
    ['/etc/kubernetes/big.yaml', /is larger than 1048576 bytes/],
  ])('reports %s as an error when its content is wanted', async (path, reason) => {
    expectError(await one(path, { content: true }), reason);
  });

  it('gathers several paths at once, keyed by path, all valid evidence', async () => {
    const paths = ['/etc/kubernetes/ssl/kube-ca.pem', '/var/lib/etcd', '/nope'];
    const got = await collectFiles(
      root,
      paths.map((path) => ({ path, entries: false, content: false })),
    );
    expect(Object.keys(got)).toEqual(paths);
    for (const f of Object.values(got)) expect(fileEvidenceSchema.safeParse(f).success).toBe(true);
  });
});
