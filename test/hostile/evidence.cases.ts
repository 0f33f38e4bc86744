import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bad, errors, NOT_PASS, report, type HostileCase } from './harness.js';

/**
 * Evidence bundles given to `rkecis evaluate`: malformed, truncated, of the wrong types, deeply
 * nested, huge, of an unknown version, or valid but hostile in what they say.
 */
export interface EvidenceCase extends HostileCase {
  /** A fixture under test/hostile/cases/evidence/, text to write, or a maker that writes the file. */
  input: { fixture: string } | { text: () => string | Buffer } | { make: (dir: string) => string };
}

const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');

type Json = Record<string, unknown>;
/** The guide's hardened node, changed by `edit` (which may mutate the parsed copy). */
const hardened = (edit: (e: Json) => void) => (): string => {
  const e = JSON.parse(HARDENED) as Json;
  edit(e);
  return JSON.stringify(e, null, 2);
};
const at = (o: unknown, ...path: string[]): Json => {
  let v = o as Json;
  for (const p of path) v = v[p] as Json;
  return v;
};
const apiserver = (e: unknown): Json => at(e, 'containers', 'kube-apiserver');
const psp = (e: unknown): Json => at(e, 'kubernetes', 'resources', 'podsecuritypolicies');

const NOT_JSON = /not valid JSON/;
const INVALID = (where: string): RegExp =>
  new RegExp(`invalid evidence at ${where.replace(/\./g, '\\.')}`);
const VERSION = /unsupported evidence apiVersion/;

/** Nested `depth` levels of arrays in the restricted PSP (JSON text, never built as a value). */
function deepItems(depth: number): string {
  const e = JSON.parse(HARDENED) as Json;
  at(e, 'kubernetes', 'resources', 'podsecuritypolicies', 'items').restricted = '@DEEP@';
  return JSON.stringify(e).replace('"@DEEP@"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** A directory whose entries are directories, `depth` deep, in the CNI folder's evidence. */
function deepEntries(depth: number): string {
  const e = JSON.parse(HARDENED) as Json;
  at(e, 'files')['/etc/cni/net.d'] = '@DEEP@';
  const open =
    '{"status":"present","type":"directory","mode":"755","uid":0,"gid":0,"user":"root","group":"root","entries":{"d":';
  return JSON.stringify(e).replace(
    '"@DEEP@"',
    `${open.repeat(depth)}{"status":"absent"}${'}}'.repeat(depth)}`,
  );
}

const DEEP = /nested deeper than \d+ levels/;
const NUL = '\u0000';

export const EVIDENCE_CASES: EvidenceCase[] = [
  // --- not JSON at all, or not whole ---
  { name: 'an empty file', input: { text: () => '' }, expect: bad(NOT_JSON) },
  { name: 'whitespace only', input: { text: () => ' \n\t\n' }, expect: bad(NOT_JSON) },
  { name: 'truncated at half', input: { fixture: 'truncated-half.json' }, expect: bad(NOT_JSON) },
  {
    name: 'one byte short (no closing brace)',
    input: { fixture: 'truncated-one-byte-short.json' },
    expect: bad(NOT_JSON),
  },
  {
    name: 'truncated inside a string',
    input: { fixture: 'truncated-mid-string.json' },
    expect: bad(NOT_JSON),
  },
  { name: 'a lone opening brace', input: { text: () => '{' }, expect: bad(NOT_JSON) },
  {
    name: 'trailing garbage after the bundle',
    input: { fixture: 'trailing-garbage.json' },
    expect: bad(NOT_JSON),
  },
  {
    name: 'two bundles concatenated',
    input: { fixture: 'concatenated.json' },
    expect: bad(NOT_JSON),
  },
  { name: 'JSON with a comment line', input: { fixture: 'comments.json' }, expect: bad(NOT_JSON) },
  {
    name: 'single-quoted pseudo-JSON',
    input: { fixture: 'single-quotes.json' },
    expect: bad(NOT_JSON),
  },
  { name: 'a NaN literal', input: { fixture: 'nan.json' }, expect: bad(NOT_JSON) },
  {
    name: 'a byte-order mark before the JSON',
    input: { fixture: 'bom.json' },
    expect: bad(NOT_JSON),
  },
  { name: 'UTF-16 encoded', input: { fixture: 'utf16le.json' }, expect: bad(NOT_JSON) },
  { name: 'gzip-compressed', input: { fixture: 'gzip.json' }, expect: bad(NOT_JSON) },
  { name: 'YAML instead of JSON', input: { fixture: 'yaml.yaml' }, expect: bad(NOT_JSON) },
  { name: '4 KB of NUL bytes', input: { fixture: 'nul-bytes.bin' }, expect: bad(NOT_JSON) },
  {
    name: 'a NUL byte between tokens',
    input: { text: () => HARDENED.replace('{', `{${NUL}`) },
    expect: bad(NOT_JSON),
  },
  {
    name: 'a raw newline inside a JSON string',
    input: { text: () => HARDENED.replace('--anonymous-auth=false', '--anonymous-auth=\nfalse') },
    expect: bad(NOT_JSON),
  },

  // --- JSON, but not a bundle ---
  { name: 'null', input: { text: () => 'null' }, expect: bad(/not an evidence bundle/) },
  { name: 'true', input: { text: () => 'true' }, expect: bad(/not an evidence bundle/) },
  { name: 'a number', input: { text: () => '42' }, expect: bad(/not an evidence bundle/) },
  {
    name: 'a string',
    input: { text: () => '"rkecis.io/v1"' },
    expect: bad(/not an evidence bundle/),
  },
  { name: 'an empty array', input: { text: () => '[]' }, expect: bad(/not an evidence bundle/) },
  {
    name: 'an array holding a bundle',
    input: { text: () => `[${HARDENED}]` },
    expect: bad(/not an evidence bundle/),
  },
  {
    name: 'an empty object',
    input: { text: () => '{}' },
    expect: bad(/unsupported evidence apiVersion undefined/),
  },
  {
    name: 'an rkecis JSON report given as evidence',
    input: { text: () => readFileSync('test/fixtures/reports/sample.json', 'utf8') },
    expect: bad(VERSION),
  },

  // --- unknown version or kind ---
  {
    name: 'apiVersion rkecis.io/v2',
    input: {
      text: hardened((e) => {
        e.apiVersion = 'rkecis.io/v2';
      }),
    },
    expect: bad(/apiVersion "rkecis\.io\/v2"; this rkecis reads rkecis\.io\/v1/),
  },
  {
    name: 'apiVersion as a number',
    input: {
      text: hardened((e) => {
        e.apiVersion = 1;
      }),
    },
    expect: bad(/apiVersion 1;/),
  },
  {
    name: 'apiVersion null',
    input: {
      text: hardened((e) => {
        e.apiVersion = null;
      }),
    },
    expect: bad(/apiVersion null;/),
  },
  {
    name: 'apiVersion missing',
    input: {
      text: hardened((e) => {
        delete e.apiVersion;
      }),
    },
    expect: bad(/apiVersion undefined;/),
  },
  {
    name: 'apiVersion with a trailing space',
    input: {
      text: hardened((e) => {
        e.apiVersion = 'rkecis.io/v1 ';
      }),
    },
    expect: bad(VERSION),
  },
  {
    name: 'apiVersion in another case',
    input: {
      text: hardened((e) => {
        e.apiVersion = 'RKECIS.IO/V1';
      }),
    },
    expect: bad(VERSION),
  },
  {
    name: 'kind NodeReport',
    input: {
      text: hardened((e) => {
        e.kind = 'NodeReport';
      }),
    },
    expect: bad(INVALID('kind')),
  },

  // --- wrong types ---
  {
    name: 'containers as an array',
    input: {
      text: hardened((e) => {
        e.containers = [];
      }),
    },
    expect: bad(INVALID('containers')),
  },
  {
    name: 'containers null',
    input: {
      text: hardened((e) => {
        e.containers = null;
      }),
    },
    expect: bad(INVALID('containers')),
  },
  {
    name: 'files as a string',
    input: {
      text: hardened((e) => {
        e.files = '/etc/kubernetes';
      }),
    },
    expect: bad(INVALID('files')),
  },
  {
    name: 'node missing',
    input: {
      text: hardened((e) => {
        delete e.node;
      }),
    },
    expect: bad(INVALID('node')),
  },
  {
    name: 'an empty node name',
    input: {
      text: hardened((e) => {
        at(e, 'node').name = '';
      }),
    },
    expect: bad(INVALID('node.name')),
  },
  {
    name: 'a role that RKE does not have',
    input: {
      text: hardened((e) => {
        at(e, 'roles').detected = ['master'];
      }),
    },
    expect: bad(INVALID('roles.detected.0')),
  },
  {
    name: 'roles as a string',
    input: {
      text: hardened((e) => {
        at(e, 'roles').detected = 'controlplane,etcd';
      }),
    },
    expect: bad(INVALID('roles.detected')),
  },
  {
    name: 'an unknown role source',
    input: {
      text: hardened((e) => {
        at(e, 'roles').source = 'guessed';
      }),
    },
    expect: bad(INVALID('roles.source')),
  },
  {
    name: 'an unknown container status',
    input: {
      text: hardened((e) => {
        at(e, 'containers').etcd = { status: 'running' };
      }),
    },
    expect: bad(INVALID('containers.etcd')),
  },
  {
    name: 'an argument that is a number',
    input: {
      text: hardened((e) => {
        (apiserver(e).args as unknown[]).push(6443);
      }),
    },
    expect: bad(INVALID('containers.kube-apiserver.args.44')),
  },
  {
    name: 'args null',
    input: {
      text: hardened((e) => {
        apiserver(e).args = null;
      }),
    },
    expect: bad(INVALID('containers.kube-apiserver.args')),
  },
  {
    name: 'args as one string',
    input: {
      text: hardened((e) => {
        apiserver(e).args = '--anonymous-auth=false';
      }),
    },
    expect: bad(INVALID('containers.kube-apiserver.args')),
  },
  {
    name: 'state.running as a string',
    input: {
      text: hardened((e) => {
        at(apiserver(e), 'state').running = 'true';
      }),
    },
    expect: bad(INVALID('containers.kube-apiserver.state.running')),
  },
  {
    name: 'an unknown key in a container state',
    input: {
      text: hardened((e) => {
        at(apiserver(e), 'state').pid = 1;
      }),
    },
    expect: bad(/unknown key "pid"/),
  },
  {
    name: 'a present container without an image',
    input: {
      text: hardened((e) => {
        delete apiserver(e).image;
      }),
    },
    expect: bad(INVALID('containers.kube-apiserver.image')),
  },
  {
    name: 'an error container with an empty reason',
    input: {
      text: hardened((e) => {
        at(e, 'containers').etcd = { status: 'error', reason: '' };
      }),
    },
    expect: bad(INVALID('containers.etcd.reason')),
  },
  {
    name: 'a file mode that is not octal',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').mode = '999';
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.mode')),
  },
  {
    name: 'a file mode as a number',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').mode = 700;
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.mode')),
  },
  {
    name: 'a file mode with five digits',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').mode = '10700';
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.mode')),
  },
  {
    name: 'a negative uid',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').uid = -1;
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.uid')),
  },
  {
    name: 'a fractional gid',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').gid = 0.5;
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.gid')),
  },
  {
    name: 'an unknown file type',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/var/lib/etcd').type = 'pipe';
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.type')),
  },
  {
    name: 'directory entries as an array',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/etc/cni/net.d').entries = [];
      }),
    },
    expect: bad(INVALID('files./etc/cni/net.d.entries')),
  },
  {
    name: 'a present file without an owner name',
    input: {
      text: hardened((e) => {
        delete at(e, 'files', '/var/lib/etcd').user;
      }),
    },
    expect: bad(INVALID('files./var/lib/etcd.user')),
  },
  {
    name: 'a Kubernetes resource without its apiVersion',
    input: {
      text: hardened((e) => {
        delete psp(e).apiVersion;
      }),
    },
    expect: bad(INVALID('kubernetes.resources.podsecuritypolicies')),
  },
  {
    name: 'Kubernetes resources as an array',
    input: {
      text: hardened((e) => {
        at(e, 'kubernetes').resources = [];
      }),
    },
    expect: bad(INVALID('kubernetes.resources')),
  },
  {
    name: 'collectedAt as a number',
    input: {
      text: hardened((e) => {
        e.collectedAt = 1700000000;
      }),
    },
    expect: bad(INVALID('collectedAt')),
  },
  {
    name: 'an environment smuggled in at the top level',
    input: {
      text: hardened((e) => {
        e.env = ['SECRET=x'];
      }),
    },
    expect: bad(/unknown key "env"/),
  },

  // --- deeply nested, huge ---
  {
    name: 'PSP item nested 100 000 arrays deep',
    input: { text: () => deepItems(100_000) },
    expect: bad(DEEP),
  },
  {
    name: 'directory entries nested 20 000 deep',
    input: { text: () => deepEntries(20_000) },
    expect: bad(DEEP),
  },
  {
    name: 'directory entries nested 300 deep',
    input: { text: () => deepEntries(300) },
    expect: bad(DEEP),
  },
  {
    name: 'a PSP nested 30 levels (deep, but within the limit) is evaluated',
    input: {
      text: hardened((e) => {
        let v: unknown = 'x';
        for (let i = 0; i < 30; i++) v = { v };
        at(psp(e), 'items', 'restricted', 'metadata').labels = v;
      }),
    },
    expect: report({ '1.7.1': 'pass', '1.1.1': 'pass' }),
  },
  {
    name: '50 MB of nesting is refused with a message, not a crash',
    input: { make: (dir) => writeBig(dir, 'deep-50mb.json', deepItems(25 * 1024 * 1024)) },
    expect: bad(DEEP),
  },
  {
    name: 'a 100 MB bundle is refused before it is read',
    input: { make: (dir) => writeBig(dir, 'huge-100mb.json', padded(100 * 1024 * 1024)) },
    expect: bad(/larger than 64 MiB; not an evidence bundle/),
  },
  {
    name: 'a 30 MB bundle (1 MB arguments) is evaluated',
    input: {
      text: hardened((e) => {
        const big = 'x'.repeat(1 << 20);
        apiserver(e).args = [
          ...(apiserver(e).args as string[]),
          ...Array.from({ length: 30 }, (_, i) => `--big-${i}=${big}`),
        ];
      }),
    },
    expect: report({ '1.1.1': 'pass' }),
  },
  {
    name: '100 000 containers nobody asked for',
    input: {
      text: hardened((e) => {
        for (let i = 0; i < 100_000; i++) at(e, 'containers')[`c${i}`] = { status: 'absent' };
      }),
    },
    expect: report({ '1.1.1': 'pass' }),
  },

  // --- valid, but hostile in what they say ---
  {
    name: 'invalid UTF-8 inside an argument reads as U+FFFD and fails',
    input: { fixture: 'invalid-utf8-in-string.json' },
    expect: report({ '1.1.1': 'fail' }),
  },
  {
    name: 'a lone surrogate in an argument',
    input: {
      text: () => HARDENED.replace('--anonymous-auth=false', '--anonymous-auth=\\ud800false'),
    },
    expect: report({ '1.1.1': 'fail' }),
  },
  {
    name: 'a container named __proto__',
    input: {
      text: () =>
        HARDENED.replace('"containers": {', '"containers": {"__proto__": {"status": "absent"},'),
    },
    expect: report({ '1.1.1': 'pass', '2.1.2': 'pass' }),
  },
  {
    name: 'a file keyed __proto__ and a control path left out',
    input: {
      text: () =>
        HARDENED.replace('"files": {', '"files": {"__proto__": {"status": "absent"},').replace(
          '"/var/lib/etcd"',
          '"/var/lib/etcd-renamed"',
        ),
    },
    expect: report(errors('1.4.11', '1.4.12')),
  },
  {
    name: 'no roles and no Kubernetes objects: nothing is judged, so not compliant',
    input: {
      text: hardened((e) => {
        at(e, 'roles').detected = [];
        delete e.kubernetes;
      }),
    },
    expect: { exit: 1, controls: {}, absent: ['1.1.1', '1.6.1', '2.1.1'] },
  },
  {
    name: 'no containers at all, roles declared',
    input: {
      text: hardened((e) => {
        e.containers = {};
      }),
    },
    expect: report(errors('1.1.1', '1.1.30', '1.2.1', '1.3.1', '1.5.1', '2.1.2', '2.1.15')),
  },
  {
    name: 'every container absent, roles declared',
    input: {
      text: hardened((e) => {
        for (const k of Object.keys(at(e, 'containers')))
          at(e, 'containers')[k] = { status: 'absent' };
      }),
    },
    expect: report(errors('1.1.2', '1.1.10', '1.5.3', '2.1.9')),
  },
  {
    name: 'every container an error, roles declared',
    input: {
      text: hardened((e) => {
        for (const k of Object.keys(at(e, 'containers')))
          at(e, 'containers')[k] = { status: 'error', reason: 'HTTP 500' };
      }),
    },
    expect: report(errors('1.1.2', '1.1.20', '1.5.6', '2.1.6', '2.1.8')),
  },
  {
    name: 'no files at all',
    input: {
      text: hardened((e) => {
        e.files = {};
      }),
    },
    expect: report(errors('1.1.35', '1.4.9', '1.4.10', '1.4.11', '1.4.12', '2.2.1', '2.2.8')),
  },
  {
    name: 'every file unreadable',
    input: {
      text: hardened((e) => {
        for (const k of Object.keys(at(e, 'files')))
          at(e, 'files')[k] = { status: 'error', reason: 'cannot read: permission denied' };
      }),
    },
    expect: report(errors('1.1.35', '1.4.9', '1.4.15', '1.4.16', '2.2.7')),
  },
  {
    name: 'no Kubernetes evidence on a controlplane node',
    input: {
      text: hardened((e) => {
        delete e.kubernetes;
      }),
    },
    expect: report(errors('1.7.1', '1.7.2', '1.7.5', '1.7.7')),
  },
  {
    name: 'the restricted PSP is a string',
    input: {
      text: hardened((e) => {
        at(psp(e), 'items').restricted = 'privileged: false';
      }),
    },
    expect: report({ '1.7.1': NOT_PASS, '1.7.5': NOT_PASS, '1.7.6': NOT_PASS, '1.7.7': NOT_PASS }),
  },
  {
    name: 'the restricted PSP is null',
    input: {
      text: hardened((e) => {
        at(psp(e), 'items').restricted = null;
      }),
    },
    expect: report({ '1.7.2': NOT_PASS, '1.7.5': NOT_PASS, '1.7.6': NOT_PASS }),
  },
  {
    name: 'PSP fields of the wrong types',
    input: {
      text: hardened((e) => {
        at(psp(e), 'items', 'restricted').spec = {
          privileged: 'true',
          hostPID: [true],
          allowPrivilegeEscalation: 'False',
          runAsUser: 'MustRunAsNonRoot',
          requiredDropCapabilities: 'NET_RAW',
        };
      }),
    },
    // A value of a type the comparison is not about is unreadable (the string "False" is not the
    // boolean false the API would hold); runAsUser.rule is not there at all.
    expect: report({
      '1.7.1': 'error',
      '1.7.2': 'error',
      '1.7.5': 'error',
      '1.7.6': 'fail',
      '1.7.7': 'error',
    }),
  },
  {
    name: 'an encryption config that is a YAML bomb',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/etc/kubernetes/encryption.yaml').content = yamlBomb();
      }),
    },
    expect: report({ '1.1.35': 'error' }),
  },
  {
    name: 'an encryption config that is not YAML',
    input: {
      text: hardened((e) => {
        at(e, 'files', '/etc/kubernetes/encryption.yaml').content = 'resources: [\n  {{{';
      }),
    },
    expect: report({ '1.1.35': 'error' }),
  },
  {
    name: 'a symlink where a kubeconfig should be',
    input: {
      text: hardened((e) => {
        Object.assign(at(e, 'files', '/etc/kubernetes/ssl/kubecfg-kube-node.yaml'), {
          type: 'symlink',
          mode: '777',
          target: '/tmp/x',
        });
      }),
    },
    expect: report(errors('2.2.1', '2.2.2')),
  },
  {
    name: 'a socket where the etcd data folder should be',
    input: {
      text: hardened((e) => {
        Object.assign(at(e, 'files', '/var/lib/etcd'), {
          type: 'socket',
          mode: '700',
          user: 'etcd',
          group: 'etcd',
        });
      }),
    },
    expect: report(errors('1.4.11', '1.4.12')),
  },
  {
    name: 'a CNI folder that is a file',
    input: {
      text: hardened((e) => {
        const f = at(e, 'files', '/etc/cni/net.d');
        f.type = 'file';
        delete f.entries;
      }),
    },
    expect: report(errors('1.4.9', '1.4.10')),
  },
];

/** Writes a big generated file straight to disk (not through the case table's memory). */
function writeBig(dir: string, name: string, text: string): string {
  const path = `${dir}/${name}`;
  writeFileSync(path, text);
  return path;
}

/** A valid bundle padded to `bytes` with a long node hostname. */
function padded(bytes: number): string {
  const e = JSON.parse(HARDENED) as Json;
  at(e, 'node').hostname = '@PAD@';
  const text = JSON.stringify(e);
  return text.replace('@PAD@', 'h'.repeat(bytes - text.length));
}

/** "Billion laughs": each alias expands nine of the level below. */
export function yamlBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
    const prev = 'abcdefghi'[i] as string;
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\nresources: *i\n`;
}

/** Paths that are not regular files, and stdin: each through the real CLI (a hang is caught by its timeout). */
export const EVIDENCE_PATH_CASES: (HostileCase & {
  path: (dir: string) => string;
  stdin?: () => string;
})[] = [
  { name: 'a directory', path: (d) => d, expect: bad(/not a regular file|EISDIR/) },
  {
    name: 'a FIFO nobody writes to (must not hang)',
    path: (d) => {
      const p = join(d, 'fifo.json');
      if (!existsSync(p)) execFileSync('mkfifo', [p]);
      return p;
    },
    expect: bad(/not a regular file/),
  },
  {
    name: '/dev/zero (endless, size 0)',
    path: () => '/dev/zero',
    expect: bad(/not a regular file/),
  },
  { name: '/dev/urandom', path: () => '/dev/urandom', expect: bad(/not a regular file/) },
  {
    name: 'a symlink loop',
    path: (d) => {
      const p = join(d, 'loop.json');
      if (!existsSync(p)) {
        symlinkSync(join(d, 'loop2.json'), p);
        symlinkSync(p, join(d, 'loop2.json'));
      }
      return p;
    },
    expect: bad(/cannot read/),
  },
  {
    name: 'a file that does not exist, with a newline in its name',
    path: (d) => join(d, 'no\nsuch.json'),
    expect: bad(/no such file/),
  },
  {
    name: 'stdin with garbage',
    path: () => '-',
    stdin: () => 'garbage\u0000\u0001',
    expect: bad(/^rkecis: -: not valid JSON/),
  },
  {
    name: 'stdin empty',
    path: () => '-',
    stdin: () => '',
    expect: bad(/^rkecis: -: not valid JSON/),
  },
  {
    name: 'stdin of 70 MB is refused at the bundle limit',
    path: () => '-',
    stdin: () => `{"apiVersion":"rkecis.io/v1","pad":"${'x'.repeat(70 * 1024 * 1024)}"}`,
    expect: bad(/^rkecis: -: larger than 64 MiB/),
  },
];
