import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import type { Status } from '../../src/report/types.js';
import { yamlBomb } from './evidence.cases.js';
import { errors, type HostileCase } from './harness.js';

/**
 * The node's files under `--root`, made hostile one way each, scanned with `rkecis scan`. The
 * affected controls must be `error` (or `fail` where what is there is a finding), and every other
 * control keeps the verdict it has on the untouched node: the scan goes on.
 */
export interface HostFileCase extends HostileCase {
  /** Changes the planted node under `root`; `outside` is a folder beside it, outside the root. */
  setup: (root: string, outside: string) => void | Promise<void>;
  controls: Record<string, Status | readonly Status[]>;
  /** Run the scan as nobody (uid 65534), for files root could always read. */
  asNobody?: boolean;
  /** What the scan must say on stderr (nothing, unless given). */
  stderr?: RegExp;
}

/** A secret outside the root: no link may lead the scanner to it. */
export const OUTSIDE_SECRET = 'outside-the-root-secret-3f9a1c7e5b';

const ENC = '/etc/kubernetes/encryption.yaml';
const NODE_KUBECONFIG = '/etc/kubernetes/ssl/kubecfg-kube-node.yaml';
const PROXY_KUBECONFIG = '/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml';
const CA = '/etc/kubernetes/ssl/kube-ca.pem';
const ETCD = '/var/lib/etcd';
const CNI = '/etc/cni/net.d';

const p = (root: string, path: string): string => join(root, path);
const replaceWith = (root: string, path: string, make: (real: string) => void): void => {
  rmSync(p(root, path), { recursive: true, force: true });
  mkdirSync(dirname(p(root, path)), { recursive: true });
  make(p(root, path));
};
const link = (target: string) => (real: string) => {
  symlinkSync(target, real);
};
const fifo = (real: string): void => {
  execFileSync('mkfifo', [real]);
};
/** Unix socket servers the cases leave listening (closing one removes its file); closed after all. */
export const SOCKETS: net.Server[] = [];
/** A listening unix socket at `real`. */
const socket = async (real: string): Promise<void> => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(real, r));
  SOCKETS.push(server);
};
const write = (root: string, path: string, text: string | Buffer, mode = 0o644): void => {
  mkdirSync(dirname(p(root, path)), { recursive: true });
  rmSync(p(root, path), { recursive: true, force: true });
  writeFileSync(p(root, path), text);
  chmodSync(p(root, path), mode);
};

/** The kubeconfig and CA controls: files under /etc/kubernetes/ssl. */
const SSL = [
  '1.4.15',
  '1.4.16',
  '1.4.17',
  '1.4.18',
  '2.2.1',
  '2.2.2',
  '2.2.5',
  '2.2.6',
  '2.2.7',
  '2.2.8',
];
/** Ownership controls that pass on the untouched node: names must come from its passwd/group. */
const OWNERS = ['1.4.10', '1.4.16', '1.4.18', '2.2.2', '2.2.6', '2.2.8'];
const owners = (status: Status): Record<string, Status> =>
  Object.fromEntries(OWNERS.map((id) => [id, status]));

const c = (
  name: string,
  setup: HostFileCase['setup'],
  controls: HostFileCase['controls'],
  extra: { asNobody?: boolean; stderr?: RegExp } = {},
): HostFileCase => ({ name, setup, controls, expect: { exit: 1, controls }, ...extra });

export const HOST_FILE_CASES: HostFileCase[] = [
  // --- symlinks, inside the root and out of it ---
  c(
    'a kubeconfig that is a link to another file inside the root',
    (r) => {
      replaceWith(r, NODE_KUBECONFIG, link(CA));
    },
    errors('2.2.1', '2.2.2'),
  ),
  c(
    'a kubeconfig that is a link to an absolute path outside the root',
    (r, o) => {
      replaceWith(r, NODE_KUBECONFIG, link(join(o, 'secret.yaml')));
    },
    errors('2.2.1', '2.2.2'),
  ),
  c(
    'encryption.yaml linked to a secret outside the root',
    (r, o) => {
      replaceWith(r, ENC, link(join(o, 'secret.yaml')));
    },
    errors('1.1.35'),
  ),
  c(
    'encryption.yaml linked out with ../ climbing past the root',
    (r, o) => {
      replaceWith(r, ENC, link(`${'../'.repeat(20)}${o}/secret.yaml`));
    },
    errors('1.1.35'),
  ),
  c(
    '/etc/kubernetes itself a link to a folder outside the root',
    (r, o) => {
      replaceWith(r, '/etc/kubernetes', link(o));
    },
    errors('1.1.35', ...SSL),
  ),
  c(
    'the etcd data folder a link loop',
    (r) => {
      replaceWith(r, ETCD, link(ETCD));
    },
    errors('1.4.11', '1.4.12'),
  ),
  c(
    'a chain of 45 links on the way to a kubeconfig',
    (r) => {
      // /etc/kubernetes/ssl -> l44 -> ... -> l0 -> the real folder: more links than Linux follows.
      renameSync(p(r, '/etc/kubernetes/ssl'), p(r, '/etc/kubernetes/real-ssl'));
      symlinkSync('/etc/kubernetes/real-ssl', p(r, '/etc/kubernetes/l0'));
      for (let i = 1; i < 45; i++)
        symlinkSync(`/etc/kubernetes/l${i - 1}`, p(r, `/etc/kubernetes/l${i}`));
      symlinkSync('/etc/kubernetes/l44', p(r, '/etc/kubernetes/ssl'));
    },
    errors(...SSL),
  ),
  c(
    'a CNI entry that is a link to /etc/shadow',
    (r) => {
      symlinkSync('/etc/shadow', p(r, `${CNI}/00-shadow.conf`));
    },
    errors('1.4.9', '1.4.10'),
  ),

  // --- a directory, socket, FIFO or device where a file is expected ---
  c(
    'a kubeconfig that is a folder (its own mode judged)',
    (r) => {
      replaceWith(r, NODE_KUBECONFIG, (x) => {
        mkdirSync(x, { mode: 0o755 });
      });
    },
    { '2.2.1': 'fail' },
  ),
  c(
    'encryption.yaml that is a folder',
    (r) => {
      replaceWith(r, ENC, (x) => {
        mkdirSync(x);
      });
    },
    errors('1.1.35'),
  ),
  c(
    'the CA file a unix socket',
    async (r) => {
      replaceWith(r, CA, () => undefined);
      await socket(p(r, CA));
    },
    errors('2.2.7', '2.2.8'),
  ),
  c(
    'a kubeconfig that is a FIFO',
    (r) => {
      replaceWith(r, PROXY_KUBECONFIG, fifo);
    },
    errors('2.2.5', '2.2.6'),
  ),
  c(
    'encryption.yaml a FIFO nobody writes to (must not hang)',
    (r) => {
      replaceWith(r, ENC, fifo);
    },
    errors('1.1.35'),
  ),
  c(
    'the etcd data folder a character device',
    (r) => {
      replaceWith(r, ETCD, (x) => execFileSync('mknod', [x, 'c', '1', '3']));
    },
    errors('1.4.11', '1.4.12'),
  ),
  c(
    'a socket among the CNI files',
    (r) => socket(p(r, `${CNI}/calico.sock`)),
    errors('1.4.9', '1.4.10'),
  ),
  c(
    'the CNI folder a regular file',
    (r) => {
      write(r, CNI, '{}');
    },
    errors('1.4.9', '1.4.10'),
  ),
  c(
    'a CNI folder of 10 001 entries',
    (r) => {
      for (let i = 0; i <= 10_000; i++) writeFileSync(p(r, `${CNI}/f${i}`), '');
    },
    errors('1.4.9', '1.4.10'),
  ),

  // --- contents that are not what a control reads ---
  c(
    'encryption.yaml of 2 MB',
    (r) => {
      write(r, ENC, `a: ${'x'.repeat(2 << 20)}\n`, 0o600);
    },
    errors('1.1.35'),
  ),
  c(
    'encryption.yaml a YAML bomb',
    (r) => {
      write(r, ENC, yamlBomb(), 0o600);
    },
    errors('1.1.35'),
  ),
  c(
    'encryption.yaml that does not parse',
    (r) => {
      write(r, ENC, 'resources: [\n  {{{ secret: abc', 0o600);
    },
    errors('1.1.35'),
  ),
  c(
    'encryption.yaml empty',
    (r) => {
      write(r, ENC, '', 0o600);
    },
    { '1.1.35': 'fail' },
  ),
  c(
    'encryption.yaml of binary bytes',
    (r) => {
      write(r, ENC, Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x1b, 0x5b]), 0o600);
    },
    { '1.1.35': ['fail', 'error'] },
  ),
  c(
    'encryption.yaml with identity first',
    (r) => {
      write(
        r,
        ENC,
        'kind: EncryptionConfig\nresources:\n  - resources: [secrets]\n    providers:\n    - identity: {}\n    - aescbc: {keys: [{name: k, secret: c2VjcmV0}]}\n',
        0o600,
      );
    },
    { '1.1.35': 'fail' },
  ),
  c(
    '/etc/kubernetes missing altogether',
    (r) => {
      rmSync(p(r, '/etc/kubernetes'), { recursive: true });
    },
    errors('1.1.35', ...SSL),
  ),

  // --- passwd and group: missing, malformed, hostile (owners are named from the node's own) ---
  c(
    'no /etc/passwd: owners show as numbers and do not match',
    (r) => {
      rmSync(p(r, '/etc/passwd'));
    },
    owners('fail'),
  ),
  c(
    'no /etc/group',
    (r) => {
      rmSync(p(r, '/etc/group'));
    },
    owners('fail'),
  ),
  c(
    'an empty /etc/passwd',
    (r) => {
      write(r, '/etc/passwd', '');
    },
    owners('fail'),
  ),
  c(
    'passwd lines that do not parse',
    (r) => {
      write(
        r,
        '/etc/passwd',
        'root:x:zero:0:root:/root:/bin/bash\nroot\n:x:0:0::/:\nroot:x::0\n+root:x:0:0::/:\n# root:x:0:0\n',
      );
    },
    owners('fail'),
  ),
  c(
    'passwd naming uid 0 "etcd" before root (the first line wins, as getpwuid)',
    (r) => {
      write(r, '/etc/passwd', 'etcd:x:0:0::/:/bin/false\nroot:x:0:0:root:/root:/bin/bash\n');
    },
    owners('fail'),
  ),
  c(
    'a group name with a space',
    (r) => {
      write(r, '/etc/group', 'ro ot:x:0:\n');
    },
    owners('fail'),
  ),
  c(
    'ids beyond 32 bits',
    (r) => {
      write(r, '/etc/passwd', 'root:x:4294967296:0::/:/bin/sh\n');
    },
    owners('fail'),
  ),
  c(
    'passwd a folder',
    (r) => {
      replaceWith(r, '/etc/passwd', (x) => {
        mkdirSync(x);
      });
    },
    owners('fail'),
  ),
  c(
    'passwd a FIFO nobody writes to (must not hang)',
    (r) => {
      replaceWith(r, '/etc/passwd', fifo);
    },
    owners('fail'),
  ),
  c(
    "passwd a link out of the root to the scanner's own",
    (r) => {
      replaceWith(r, '/etc/passwd', link('/proc/self/root/etc/passwd'));
    },
    owners('fail'),
  ),
  c(
    'passwd of 17 MB',
    (r) => {
      write(r, '/etc/passwd', `root:x:0:0::/:/bin/sh\n${'#'.repeat(17 << 20)}\n`);
    },
    owners('fail'),
  ),
  c(
    'passwd of binary garbage',
    (r) => {
      write(
        r,
        '/etc/passwd',
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      );
    },
    owners('fail'),
  ),
  c(
    'a hostname of 1 MB, and a FIFO for a hostname',
    (r) => {
      write(r, '/etc/hostname', 'h'.repeat(1 << 20));
      replaceWith(r, '/etc/hostname', fifo);
    },
    { '2.2.1': 'pass' },
    // Not read as a name: the node is named after this machine, and the scan says so.
    {
      stderr:
        /^rkecis: --root \S+ has no usable etc\/hostname .*, so the node is named \S+, this machine's hostname/,
    },
  ),

  // --- files the scanner may not read (as nobody: root reads everything) ---
  c(
    'a kubeconfig folder closed to the scanner',
    (r) => {
      chmodSync(p(r, '/etc/kubernetes/ssl'), 0o700);
    },
    errors('1.1.35', ...SSL),
    { asNobody: true },
  ),
  c(
    'encryption.yaml the scanner may not read',
    (r) => {
      chownSync(p(r, ENC), 0, 0);
    },
    errors('1.1.35'),
    { asNobody: true },
  ),
  c(
    'a passwd the scanner may not read',
    (r) => {
      chmodSync(p(r, '/etc/passwd'), 0o600);
    },
    { ...owners('fail'), '1.1.35': 'error' },
    { asNobody: true },
  ),
];
