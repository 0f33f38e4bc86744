import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Issue #13, "Hangs and crashes": every file a user names as input is checked to be a regular
 * file of bounded size before it is read (src/cli/input-file.ts). Each slot below is one input
 * file the CLI reads, in a command line that reads it; each hostile file is put there in turn.
 * A FIFO nobody writes to hung the run, /dev/zero grew past 2 GiB: now each is one line naming
 * the path and the problem, exit 2, nothing written. Runs go through the real CLI under a
 * timeout, so that a hang fails the test instead of stopping the test run.
 */

/** Valid files for the rest of a command line (made once per test file). */
export interface Fixtures {
  dir: string;
  bundle: string;
  /** A folder of one bundle, for `cluster --bundles`. */
  bundles: string;
  waivers: string;
  /** The node's JSON report (rkecis evaluate --format json). */
  report: string;
  /** A cluster.yml of one node whose ssh_key_path is `key`. */
  clusterYml: string;
  key: string;
  knownHosts: string;
  /** A built-in profile's profile.yaml and section names. */
  profileMeta: string;
  firstSection: string;
  /** A readable, non-hostile PEM-ish file for the kubeconfig's other references. */
  pem: string;
}

export interface InputSlot {
  name: string;
  /** The largest size that input is read with: the "one byte over" case is made from it. */
  maxBytes: number;
  /**
   * Where the hostile file goes for this slot (a file it makes in `dir`), and the command line
   * that then reads it.
   */
  place: (f: Fixtures, dir: string) => { path: string; args: string[] };
}

const MiB = 1024 * 1024;

/** A kubeconfig (the usual form: read without the Kubernetes client unless `client`) naming these files. */
function kubeconfig(
  dir: string,
  files: { ca?: string; cert?: string; key?: string },
  client = false,
): string {
  const path = join(dir, 'kubeconfig');
  const user =
    files.cert !== undefined
      ? `{client-certificate: ${files.cert}, client-key: ${files.key ?? ''}}`
      : '{token: not-a-real-token}';
  const text = [
    // The Kubernetes client, not rkecis's own reader, loads a file with a tag or a merge key.
    ...(client ? ['# read by the client!'] : []),
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: c`,
    `  cluster: {server: 'https://127.0.0.1:1', certificate-authority: ${files.ca ?? ''}}`,
    'contexts:',
    '- name: x',
    '  context: {cluster: c, user: u}',
    'current-context: x',
    'users:',
    '- name: u',
    `  user: ${user}`,
    '',
  ].join('\n');
  writeFileSync(path, text);
  return path;
}

/** A cluster.yml of one node, with this ssh_key_path. */
export function clusterYmlWithKey(path: string, key: string): string {
  writeFileSync(
    path,
    `nodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker], ssh_key_path: ${key}}\n`,
  );
  return path;
}

export const INPUT_SLOTS: InputSlot[] = [
  {
    name: 'evaluate: the evidence bundle',
    maxBytes: 64 * MiB,
    place: (_f, d) => ({ path: join(d, 'node.json'), args: ['evaluate', join(d, 'node.json')] }),
  },
  {
    name: 'evaluate --waivers',
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'waivers.yaml'),
      args: ['evaluate', f.bundle, '--waivers', join(d, 'waivers.yaml')],
    }),
  },
  {
    name: "evaluate --profile DIR: the folder's profile.yaml",
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'profile.yaml'),
      args: ['evaluate', f.bundle, '--profile', d],
    }),
  },
  {
    name: 'evaluate --profile DIR: a section file profile.yaml lists',
    maxBytes: 16 * MiB,
    place: (f, d) => {
      copyFileSync(f.profileMeta, join(d, 'profile.yaml'));
      return { path: join(d, f.firstSection), args: ['evaluate', f.bundle, '--profile', d] };
    },
  },
  {
    name: 'plan: the cluster.yml',
    maxBytes: 16 * MiB,
    place: (_f, d) => ({ path: join(d, 'cluster.yml'), args: ['plan', join(d, 'cluster.yml')] }),
  },
  {
    name: 'cluster --config: a node ssh_key_path',
    maxBytes: MiB,
    place: (f, d) => ({
      path: join(d, 'id_rsa'),
      args: [
        'cluster',
        '--config',
        clusterYmlWithKey(join(d, 'cluster.yml'), join(d, 'id_rsa')),
        '--known-hosts',
        f.knownHosts,
      ],
    }),
  },
  {
    name: 'cluster --config: --known-hosts',
    maxBytes: 64 * MiB,
    place: (f, d) => ({
      path: join(d, 'known_hosts'),
      args: ['cluster', '--config', f.clusterYml, '--known-hosts', join(d, 'known_hosts')],
    }),
  },
  {
    name: 'cluster --bundles: --kubeconfig',
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'kubeconfig'),
      args: ['cluster', '--bundles', f.bundles, '--kubeconfig', join(d, 'kubeconfig')],
    }),
  },
  {
    name: "--kubeconfig: its cluster's certificate-authority file",
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'ca.pem'),
      args: [
        'cluster',
        '--bundles',
        f.bundles,
        '--kubeconfig',
        kubeconfig(d, { ca: join(d, 'ca.pem') }),
      ],
    }),
  },
  {
    name: "--kubeconfig: its user's client-key file",
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'client.key'),
      args: [
        'cluster',
        '--bundles',
        f.bundles,
        '--kubeconfig',
        kubeconfig(d, { ca: f.pem, cert: f.pem, key: join(d, 'client.key') }),
      ],
    }),
  },
  {
    name: '--kubeconfig read by the Kubernetes client: its certificate-authority file',
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'ca.pem'),
      args: [
        'cluster',
        '--bundles',
        f.bundles,
        '--kubeconfig',
        kubeconfig(d, { ca: join(d, 'ca.pem') }, true),
      ],
    }),
  },
  {
    name: 'remediate: the report',
    maxBytes: 64 * MiB,
    place: (_f, d) => ({
      path: join(d, 'report.json'),
      args: ['remediate', join(d, 'report.json'), '--output-dir', join(d, 'out')],
    }),
  },
  {
    name: 'remediate --cluster-yml',
    maxBytes: 16 * MiB,
    place: (f, d) => ({
      path: join(d, 'cluster.yml'),
      args: [
        'remediate',
        f.report,
        '--cluster-yml',
        join(d, 'cluster.yml'),
        '--output-dir',
        join(d, 'out'),
      ],
    }),
  },
  {
    name: 'diff: a file argument',
    maxBytes: 64 * MiB,
    place: (f, d) => ({ path: join(d, 'a.json'), args: ['diff', join(d, 'a.json'), f.report] }),
  },
];

export interface HostileFile {
  name: string;
  /** Makes it at `path`. */
  make: (path: string, maxBytes: number) => void;
  /** What the message must say after the path. */
  problem: RegExp;
}

export const HOSTILE_FILES: HostileFile[] = [
  {
    name: 'a FIFO nobody writes to',
    make: (p) => execFileSync('mkfifo', [p]),
    problem: /: a FIFO \(named pipe\), not a regular file/,
  },
  {
    // Only read: the real /dev/zero, through a link at the input's path.
    name: 'a link to /dev/zero (endless, size 0)',
    make: (p) => {
      symlinkSync('/dev/zero', p);
    },
    problem: /: a character device, not a regular file/,
  },
  {
    name: 'a folder',
    make: (p) => {
      mkdirSync(p);
    },
    problem: /: a folder, not a regular file/,
  },
  {
    name: 'a file one byte over its bound (sparse)',
    make: (p, max) => {
      closeSync(openSync(p, 'w'));
      truncateSync(p, max + 1);
    },
    problem: /: larger than \d+ MiB/,
  },
];

/** Every slot with every hostile file. */
export const INPUT_FILE_CASES = INPUT_SLOTS.flatMap((slot) =>
  HOSTILE_FILES.map((file) => ({ name: `${slot.name}: ${file.name}`, slot, file })),
);

/** The folder a case's files go in. */
export const caseDir = (root: string, i: number): string => {
  const d = join(root, `case-${i}`);
  mkdirSync(dirname(d), { recursive: true });
  mkdirSync(d);
  return d;
};
