import { bad, report, type Expected } from './harness.js';
import type { FileSpec, ProfileCase } from './profiles.cases.js';

/**
 * Input that would run away with rkecis rather than be wrong: a custom profile's regex that only
 * a backtracking engine can run (lookaround, backreferences: V8 cannot switch it to its
 * linear-time engine, so on a long argument it backtracks without end), and YAML nested deeper
 * than any profile, waivers or cluster.yml file needs (which once ended in "Maximum call stack
 * size exceeded"). Each is one message naming the file (and line:column), exit 2.
 */
const inSection =
  (from: string, to: string) =>
  (f: Record<string, FileSpec | undefined>): void => {
    f['s.yaml'] = (f['s.yaml'] as string).replace(from, () => to);
  };
const BACKTRACKING = /s\.yaml:\d+:\d+: lookahead, lookbehind and backreferences are not allowed/;
/** A 1 MB audit-log-path, in case a regex were let through. */
const MB_OF_A = (text: string): string =>
  text.replace(
    '--audit-log-path=/var/log/kube-audit/audit-log.json',
    `--audit-log-path=${'a'.repeat(1 << 20)}!`,
  );

const regexCase = (name: string, regex: string, expect: Expected): ProfileCase => ({
  name,
  profile: inSection("'REGEX'", `'${regex}'`),
  evidence: MB_OF_A,
  expect,
});

/** `depth` levels of flow lists: [[[...]]]. */
export const flowNesting = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** `depth` levels of block maps, each indented one more space. */
export const blockNesting = (depth: number, indent = 0): string =>
  Array.from({ length: depth }, (_, i) => `${' '.repeat(indent + i)}k${i}:`).join('\n') + ` leaf\n`;
const DEEP = (file: string): RegExp =>
  new RegExp(
    `${file.replace('.', '\\.')}:\\d+:\\d+: nested deeper than 100 levels of maps and lists`,
  );

const GUIDE =
  'title: anonymous auth off\n    scored: true\n    role: controlplane\n    guide: { result: Pass }';

export const REGEX_CASES: ProfileCase[] = [
  regexCase('a lookahead: (?=a)', '(?=a)a', bad(BACKTRACKING)),
  regexCase('a negative lookahead: ^(?!x)', '^(?!x)', bad(BACKTRACKING)),
  regexCase('a lookbehind: (?<=a)b', '(?<=a)b', bad(BACKTRACKING)),
  regexCase('a negative lookbehind: (?<!a)b', '(?<!a)b', bad(BACKTRACKING)),
  regexCase('a backreference: (a)\\1', '(a)\\1', bad(BACKTRACKING)),
  regexCase('a named backreference: (?<x>a)\\k<x>', '(?<x>a)\\k<x>', bad(BACKTRACKING)),
  regexCase(
    'a catastrophic lookahead ^(?=(a+)+$) on a 1 MB argument',
    '^(?=(a+)+$)',
    bad(BACKTRACKING),
  ),
  regexCase(
    'a backreference that backtracks: ^(a+)+\\1$ on a 1 MB argument',
    '^(a+)+\\1$',
    bad(BACKTRACKING),
  ),
  // The characters alone are no lookaround: escaped, or inside a class.
  regexCase('an escaped \\(\\?=, which is text', '\\(\\?=a', report({ '1.1.15': 'fail' })),
  regexCase('(?= inside a character class', '[(?=]x', report({ '1.1.15': 'fail' })),
  regexCase(
    'a nested quantifier, linear-time capable: (a+)+$',
    '(a+)+$',
    report({ '1.1.15': 'fail' }),
  ),
];

export const DEEP_PROFILE_CASES: ProfileCase[] = [
  {
    name: 'a section file nested 150 flow lists deep',
    profile: inSection(
      'remediation: Set --anonymous-auth=false.',
      `remediation: ${flowNesting(150)}`,
    ),
    expect: bad(DEEP('s.yaml')),
  },
  {
    name: 'a section file nested 20 000 flow lists deep (beyond the YAML parser)',
    profile: inSection(
      'remediation: Set --anonymous-auth=false.',
      `remediation: ${flowNesting(20_000)}`,
    ),
    expect: bad(DEEP('s.yaml')),
  },
  {
    name: 'profile.yaml nested 3000 block maps deep',
    profile: (f) => {
      f['profile.yaml'] = `${f['profile.yaml'] as string}source:\n${blockNesting(3000, 1)}`;
    },
    expect: bad(DEEP('profile.yaml')),
  },
  // The root map, controls, a control and its guide are 4 levels: 97 lists under them are 101.
  {
    name: 'a section file nested 101 maps and lists deep',
    profile: inSection(
      GUIDE,
      GUIDE.replace('{ result: Pass }', `{ result: Pass, notes: ${flowNesting(97)} }`),
    ),
    expect: bad(DEEP('s.yaml')),
  },
  {
    name: 'a section file nested 100 deep is read (and its list of lists is no text)',
    profile: inSection(
      GUIDE,
      GUIDE.replace('{ result: Pass }', `{ result: Pass, notes: ${flowNesting(96)} }`),
    ),
    expect: bad(/s\.yaml:\d+:\d+: expected text, found a list/),
  },
];

/** Waivers files (`--waivers`), nested too deep. */
export const DEEP_WAIVERS: { name: string; text: string; message: RegExp }[] = [
  {
    name: '200 flow lists deep',
    text: `waivers: ${flowNesting(200)}\n`,
    message: DEEP('deep.yaml'),
  },
  {
    name: '20 000 flow lists deep',
    text: `waivers: ${flowNesting(20_000)}\n`,
    message: DEEP('deep.yaml'),
  },
  {
    name: '5000 block maps deep',
    text: `waivers:\n${blockNesting(5000, 1)}`,
    message: DEEP('deep.yaml'),
  },
  {
    name: '5000 block lists deep',
    text: `waivers:\n${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')}\n`,
    message: DEEP('deep.yaml'),
  },
];

/** cluster.yml files (`rkecis plan`, `rkecis cluster --config`), nested too deep. */
export const DEEP_CLUSTER_YML: { name: string; text: string }[] = [
  {
    name: 'addons nested 20 000 flow maps deep',
    text: `nodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker]}\naddons_include: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`,
  },
  {
    name: 'a node nested 300 block maps deep',
    text: `nodes:\n  - address: 10.0.0.1\n    user: rancher\n    role: [controlplane, etcd, worker]\n    labels:\n${blockNesting(300, 6)}`,
  },
];
