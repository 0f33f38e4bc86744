import { bad, report, type HostileCase } from './harness.js';

/**
 * Profiles (`--profile FOLDER`) and waivers (`--waivers FILE`) that are wrong or hostile, given to
 * `rkecis evaluate` with the hardened node. A profile or waivers file that cannot be used is one
 * message naming file:line:column (or the file) and exit 2, with nothing written; YAML bombs are
 * refused; a catastrophic regex still ends.
 */
export type FileSpec = string | Buffer | { fifo: true } | { dir: true } | { symlink: string };

export interface ProfileCase extends HostileCase {
  /** Changes the files of a small valid profile (name -> content); `undefined` removes one. */
  profile: (files: Record<string, FileSpec | undefined>) => void;
  /** Changes the hardened node's evidence (its JSON text). */
  evidence?: (text: string) => string;
  /** The --profile argument, when not the folder itself. */
  arg?: (dir: string) => string;
}

export interface WaiversCase extends HostileCase {
  /** The waivers file; a function gets the folder it is written in. */
  file: FileSpec | ((dir: string) => string);
}

export const META = `name: hostile-test
title: rkecis hostile test profile
benchmark: { name: CIS Test Benchmark, version: 0.0.1 }
kubernetes: '1.11'
groups:
  - { id: '1', title: Master Node Security Configuration }
sections:
  - s.yaml
`;

export const SECTION = `section: '1.1'
title: API Server
controls:
  - id: 1.1.1
    title: anonymous auth off
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: flag
      container: kube-apiserver
      tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }]
    remediation: Set --anonymous-auth=false.
  - id: 1.1.15
    title: audit log path set
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: flag
      container: kube-apiserver
      tests: [{ flag: --audit-log-path, op: regex, value: 'REGEX' }]
    remediation: Set --audit-log-path.
  - id: 1.1.16
    title: CA file mode
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: file-mode
      paths: [/etc/kubernetes/ssl/kube-ca.pem]
      max: '644'
    remediation: chmod 644 /etc/kubernetes/ssl/kube-ca.pem
`;

const p = (
  name: string,
  edit: (files: Record<string, FileSpec | undefined>) => void,
  message: RegExp,
  extra: Partial<ProfileCase> = {},
): ProfileCase => ({ name, profile: edit, expect: bad(message), ...extra });
/** Replaces text in the section file. */
const inSection =
  (from: string | RegExp, to: string) => (f: Record<string, FileSpec | undefined>) => {
    f['s.yaml'] = (f['s.yaml'] as string).replace(from, () => to);
  };
const inMeta = (from: string | RegExp, to: string) => (f: Record<string, FileSpec | undefined>) => {
  f['profile.yaml'] = (f['profile.yaml'] as string).replace(from, () => to);
};
const AT = (file: string): RegExp => new RegExp(`${file.replace('.', '\\.')}:\\d+:\\d+: `);
/** A 1 MB audit-log-path that makes a nested quantifier backtrack. */
const MB_OF_A = (text: string): string =>
  text.replace(
    '--audit-log-path=/var/log/kube-audit/audit-log.json',
    `--audit-log-path=${'a'.repeat(1 << 20)}!`,
  );

const BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;

export const PROFILE_CASES: ProfileCase[] = [
  // --- regexes ---
  p(
    'a regex with a quantifier range out of order',
    inSection("'REGEX'", "'a{2,1}'"),
    /s\.yaml:\d+:\d+: regex does not compile/,
  ),
  p(
    'a regex with an unterminated group',
    inSection("'REGEX'", "'(abc'"),
    /s\.yaml:\d+:\d+: regex does not compile/,
  ),
  p(
    'a regex naming a group that does not exist',
    inSection("'REGEX'", "'(?<a>x)\\k<b>'"),
    /s\.yaml:\d+:\d+: regex does not compile/,
  ),
  p(
    'a regex with a lone backslash at the end',
    inSection("'REGEX'", "'abc\\'"),
    /s\.yaml:\d+:\d+: regex does not compile/,
  ),
  {
    name: 'a catastrophic regex (a+)+$ on a 1 MB argument still ends',
    profile: inSection("'REGEX'", "'^(a+)+$'"),
    evidence: MB_OF_A,
    expect: report({ '1.1.15': 'fail', '1.1.1': 'pass' }),
  },
  {
    name: 'a catastrophic regex (\\w+\\s?)*$ on a 1 MB argument still ends',
    profile: inSection("'REGEX'", "'^(\\w+\\s?)*$'"),
    evidence: MB_OF_A,
    expect: report({ '1.1.15': 'fail' }),
  },
  {
    name: 'an alternation that backtracks exponentially (a|a)*$',
    profile: inSection("'REGEX'", "'^(a|a)*$'"),
    evidence: MB_OF_A,
    expect: report({ '1.1.15': 'fail' }),
  },

  // --- operators ---
  p(
    'an operator that is a number',
    inSection('op: regex', 'op: 5'),
    /s\.yaml:\d+:\d+: unknown operator 5/,
  ),
  p(
    'an operator with a trailing space',
    inSection('op: eq,', "op: 'eq ',"),
    /s\.yaml:\d+:\d+: unknown operator "eq "/,
  ),
  p(
    'an operator spelled like a shell test',
    inSection('op: eq,', "op: '-eq',"),
    /unknown operator "-eq"/,
  ),
  p(
    'an operator without a value',
    inSection(", value: 'false' }", ' }'),
    /operator eq needs a "value"/,
  ),
  p(
    'set: false together with an operator',
    inSection('op: eq,', 'set: false, op: eq,'),
    /"set: false" cannot be combined with "op"/,
  ),
  p('set as a string', inSection("op: eq, value: 'false'", "set: 'false'"), AT('s.yaml')),
  p('an unknown check kind', inSection('kind: file-mode', 'kind: shell'), AT('s.yaml')),
  p(
    'an unknown match',
    inSection(
      'container: kube-apiserver\n      tests: [{ flag: --anonymous-auth',
      'container: kube-apiserver\n      match: some\n      tests: [{ flag: --anonymous-auth',
    ),
    AT('s.yaml'),
  ),

  // --- groups of flag tests ---
  p(
    'a misspelled operator inside a group of flag tests',
    inSection(
      "tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }]",
      "tests: [{ match: any, tests: [{ flag: --anonymous-auth, op: equals, value: 'false' }] }]",
    ),
    /s\.yaml:\d+:\d+: unknown operator "equals"/,
  ),
  p(
    'a group of flag tests without match',
    inSection(
      "tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }]",
      "tests: [{ tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }] }]",
    ),
    AT('s.yaml'),
  ),
  p(
    'an empty group of flag tests',
    inSection(
      "tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }]",
      'tests: [{ match: all, tests: [] }]',
    ),
    AT('s.yaml'),
  ),

  // --- duplicate ids and ids that do not fit ---
  p(
    'a duplicate id in another section file',
    (f) => {
      f['profile.yaml'] = `${f['profile.yaml'] as string}  - t.yaml\n`;
      f['t.yaml'] = (f['s.yaml'] as string).replace("section: '1.1'", "section: '1.1'");
    },
    /t\.yaml:\d+:\d+: duplicate control id 1\.1\.1; first at .*s\.yaml:\d+:\d+/,
  ),
  p(
    'a duplicate key inside a control',
    inSection(
      '    scored: true\n    role: controlplane\n    guide: { result: Pass }\n    check:\n      kind: flag\n      container: kube-apiserver\n      tests: [{ flag: --anonymous-auth',
      '    scored: true\n    scored: false\n    role: controlplane\n    guide: { result: Pass }\n    check:\n      kind: flag\n      container: kube-apiserver\n      tests: [{ flag: --anonymous-auth',
    ),
    /s\.yaml:\d+:\d+: Map keys must be unique/,
  ),
  p(
    'an id with letters',
    inSection('id: 1.1.1\n', 'id: 1.1.a\n'),
    /s\.yaml:\d+:\d+: a dotted id like 1\.1\.1/,
  ),
  p(
    'an id outside its section',
    inSection('id: 1.1.1\n', 'id: 2.1.1\n'),
    /control 2\.1\.1 is not in section 1\.1/,
  ),
  p('an id as a number (YAML float)', inSection('id: 1.1.15', 'id: 1.1'), AT('s.yaml')),

  // --- wrong types ---
  p('scored as a string', inSection('scored: true', "scored: 'yes'"), AT('s.yaml')),
  p(
    'tests as a map',
    inSection(
      "tests: [{ flag: --anonymous-auth, op: eq, value: 'false' }]",
      "tests: { flag: --anonymous-auth, op: eq, value: 'false' }",
    ),
    AT('s.yaml'),
  ),
  p(
    'paths as a string',
    inSection('paths: [/etc/kubernetes/ssl/kube-ca.pem]', 'paths: /etc/kubernetes/ssl/kube-ca.pem'),
    AT('s.yaml'),
  ),
  p('a mode as a number', inSection("max: '644'", 'max: 644'), AT('s.yaml')),
  p('a mode that is not octal', inSection("max: '644'", "max: '999'"), /an octal mode like "644"/),
  p(
    'a relative path',
    inSection(
      'paths: [/etc/kubernetes/ssl/kube-ca.pem]',
      'paths: [etc/kubernetes/ssl/kube-ca.pem]',
    ),
    /an absolute path/,
  ),
  p(
    'a flag written with its value',
    inSection('flag: --anonymous-auth,', "flag: '--anonymous-auth=false',"),
    /a flag like --name/,
  ),
  p(
    'an empty container name',
    inSection(
      'container: kube-apiserver\n      tests: [{ flag: --anonymous-auth',
      "container: ''\n      tests: [{ flag: --anonymous-auth",
    ),
    AT('s.yaml'),
  ),
  p(
    'controls as null',
    (f) => {
      f['s.yaml'] = "section: '1.1'\ntitle: API Server\ncontrols: null\n";
    },
    AT('s.yaml'),
  ),

  // --- YAML that is hostile or broken ---
  p(
    'a billion-laughs bomb in a section file',
    (f) => {
      f['s.yaml'] = `${BOMB}section: '1.1'\ntitle: x\ncontrols: *g\n`;
    },
    /s\.yaml: .*alias/i,
  ),
  p(
    'a bomb in profile.yaml',
    (f) => {
      f['profile.yaml'] = `${BOMB}${f['profile.yaml'] as string}`;
    },
    /profile\.yaml: .*alias/i,
  ),
  p(
    'a merge-key bomb',
    (f) => {
      f['s.yaml'] =
        `a: &a {a1: x, a2: x, a3: x, a4: x, a5: x, a6: x, a7: x, a8: x}\nb: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a]}\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n`;
    },
    /s\.yaml: .*alias/i,
  ),
  p(
    'tabs for indentation',
    inSection(
      '    scored: true\n    role: controlplane\n    guide: { result: Pass }\n    check:\n      kind: flag',
      '    scored: true\n\trole: controlplane\n    guide: { result: Pass }\n    check:\n      kind: flag',
    ),
    AT('s.yaml'),
  ),
  p(
    'two YAML documents in one section file',
    (f) => {
      f['s.yaml'] = `${f['s.yaml'] as string}---\nsection: '1.2'\n`;
    },
    AT('s.yaml'),
  ),
  p(
    'an empty profile.yaml',
    (f) => {
      f['profile.yaml'] = '';
    },
    /profile\.yaml:1:1: /,
  ),
  p(
    'a 4 MB scalar for a title',
    inMeta('title: rkecis hostile test profile', `title: ${'t'.repeat(4 << 20)}`),
    /profile\.yaml/,
    { expect: report({ '1.1.1': 'pass' }, { exit: 0 }) },
  ),

  // --- files that are not profile files ---
  p(
    'a section file that does not exist',
    (f) => {
      delete f['s.yaml'];
    },
    /profile\.yaml: section file s\.yaml does not exist/,
  ),
  p(
    'a section file that climbs out of the profile to /etc/shadow',
    inMeta('  - s.yaml', '  - ../../../../../../../../etc/shadow'),
    /^rkecis: (?![\s\S]*root:)/,
  ),
  p(
    'a section file that is a folder',
    (f) => {
      f['s.yaml'] = { dir: true };
    },
    /s\.yaml: a folder, not a regular file/,
  ),
  p(
    'a section file that is a FIFO (must not hang)',
    (f) => {
      f['s.yaml'] = { fifo: true };
    },
    /s\.yaml: a FIFO \(named pipe\), not a regular file/,
  ),
  p(
    'profile.yaml a link to /dev/zero (must not read forever)',
    (f) => {
      f['profile.yaml'] = { symlink: '/dev/zero' };
    },
    /profile\.yaml: /,
  ),
  p(
    'a profile folder without profile.yaml',
    (f) => {
      delete f['profile.yaml'];
    },
    /no profile\.yaml in that folder/,
  ),
  p(
    'a built-in profile name that climbs out',
    () => undefined,
    /no profile\.yaml in that folder|unknown profile/,
    { arg: () => 'rke-cis-1.3.0/../../..' },
  ),
  p('a profile name with shell characters', () => undefined, /unknown profile "\$\(reboot\)"/, {
    arg: () => '$(reboot)',
  }),
];

const HEAD = 'apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n';

export const WAIVERS_CASES: WaiversCase[] = [
  {
    name: 'a billion-laughs bomb',
    file: `${BOMB}${HEAD}  - control: '1.1.21'\n    justification: *g\n`,
    expect: bad(/alias/i),
  },
  {
    name: 'waivers as a map',
    file: `${HEAD}  control: '1.1.21'\n  justification: x\n`,
    expect: bad(/:\d+:\d+: /),
  },
  { name: 'waivers null', file: `${HEAD.trimEnd()} null\n`, expect: bad(/:3:\d+: /) },
  {
    name: 'no waivers key',
    file: 'apiVersion: rkecis.io/v1\nkind: Waivers\n',
    expect: bad(/:1:1: /),
  },
  {
    name: 'a list at the top',
    file: "- control: '1.1.21'\n  justification: x\n",
    expect: bad(/:1:1: /),
  },
  {
    name: 'a control id as a YAML number',
    file: `${HEAD}  - control: 1.1\n    justification: x\n`,
    expect: bad(/:4:14: /),
  },
  {
    name: 'a duplicate key in a waiver',
    file: `${HEAD}  - control: '1.1.21'\n    control: '1.1.1'\n    justification: x\n`,
    expect: bad(/Map keys must be unique/),
  },
  {
    name: 'an empty list of nodes in a scope',
    file: `${HEAD}  - control: '1.1.21'\n    justification: x\n    scope: { nodes: [] }\n`,
    expect: bad(/:6:\d+: /),
  },
  {
    name: 'an unknown apiVersion',
    file: 'apiVersion: rkecis.io/v2\nkind: Waivers\nwaivers: []\n',
    expect: bad(/:1:13: /),
  },
  {
    name: 'a justification that is a map',
    file: `${HEAD}  - control: '1.1.21'\n    justification: { why: x }\n`,
    expect: bad(/:5:20: /),
  },
  {
    name: 'an expiry as a number',
    file: `${HEAD}  - control: '1.1.21'\n    justification: x\n    expires: 20251231\n`,
    expect: bad(/:6:14: /),
  },
  {
    name: 'two YAML documents',
    file: `${HEAD}  []\n---\n${HEAD}  []\n`,
    expect: bad(/:\d+:\d+: /),
  },
  { name: 'a folder', file: (d) => d, expect: bad(/cannot read|not a regular file/) },
  {
    name: 'a FIFO nobody writes to (must not hang)',
    file: { fifo: true },
    expect: bad(/not a regular file/),
  },
  {
    name: '/dev/zero (must not read forever)',
    file: () => '/dev/zero',
    expect: bad(/not a regular file/),
  },
  {
    name: 'a 40 MB file',
    file: `${HEAD}${"  - control: '1.1.21'\n    justification: x\n".repeat(1_000_000)}`,
    expect: bad(/larger than/),
  },
  {
    name: 'binary garbage',
    file: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131) % 256)),
    expect: bad(/:\d+:\d+: /),
  },
  {
    name: 'a file name with a newline and an escape sequence',
    file: (d) => `${d}/no\n\u001b[31msuch.yaml`,
    expect: bad(/no\\n\\x1b\[31msuch\.yaml: no such file/),
  },
];
