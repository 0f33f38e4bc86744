import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import kinds, { runCheck } from '../../../src/engine/checks/index.js';
import { createEvalContext } from '../../../src/engine/evaluate.js';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const api = (...args: string[]) =>
  makeEvidence({ args: { 'kube-apiserver': ['kube-apiserver', ...args] } });

checkTester(
  'flag: eq',
  {
    kind: 'flag',
    container: 'kube-apiserver',
    tests: [{ flag: '--anonymous-auth', op: 'eq', value: 'false' }],
  },
  {
    valid: [
      {
        name: 'set to false',
        evidence: api('--anonymous-auth=false'),
        actual: '--anonymous-auth=false',
      },
      {
        name: 'last occurrence false',
        evidence: api('--anonymous-auth=true', '--anonymous-auth=false'),
      },
    ],
    invalid: [
      { name: 'not set', evidence: api('--profiling=false'), actual: '--anonymous-auth not set' },
      { name: 'true', evidence: api('--anonymous-auth=true') },
      { name: 'bare flag means true', evidence: api('--anonymous-auth') },
      {
        name: 'container absent',
        evidence: makeEvidence(),
        status: 'error',
        actual: 'kube-apiserver was not collected',
      },
      {
        name: 'container not on the node',
        evidence: { ...makeEvidence(), containers: { 'kube-apiserver': { status: 'absent' } } },
        status: 'error',
        actual: 'not found on this node',
      },
      {
        name: 'container could not be inspected',
        evidence: {
          ...makeEvidence(),
          containers: { 'kube-apiserver': { status: 'error', reason: 'HTTP 500' } },
        },
        status: 'error',
        actual: 'HTTP 500',
      },
    ],
  },
);

checkTester(
  'flag: not set',
  { kind: 'flag', container: 'kube-apiserver', tests: [{ flag: '--basic-auth-file', set: false }] },
  {
    valid: [{ name: 'absent', evidence: api('--anonymous-auth=false') }],
    invalid: [
      {
        name: 'set',
        evidence: api('--basic-auth-file=/x.csv'),
        actual: '--basic-auth-file=/x.csv',
      },
      { name: 'set with a separate value', evidence: api('--basic-auth-file', '/x.csv') },
      { name: 'set empty', evidence: api('--basic-auth-file=') },
    ],
  },
);

checkTester(
  'flag: match any (not set or 127.0.0.1)',
  {
    kind: 'flag',
    container: 'kube-apiserver',
    match: 'any',
    tests: [
      { flag: '--insecure-bind-address', set: false },
      { flag: '--insecure-bind-address', op: 'eq', value: '127.0.0.1' },
    ],
  },
  {
    valid: [
      { name: 'not set', evidence: api() },
      { name: 'loopback', evidence: api('--insecure-bind-address=127.0.0.1') },
    ],
    invalid: [
      { name: 'all interfaces', evidence: api('--insecure-bind-address=0.0.0.0') },
      { name: 'loopback prefix trick', evidence: api('--insecure-bind-address=127.0.0.10') },
    ],
  },
);

checkTester(
  'flag: has_item on admission plugins',
  {
    kind: 'flag',
    container: 'kube-apiserver',
    tests: [{ flag: '--enable-admission-plugins', op: 'has_item', value: 'NodeRestriction' }],
  },
  {
    valid: [
      {
        name: 'listed',
        evidence: api('--enable-admission-plugins=ServiceAccount,NodeRestriction'),
      },
    ],
    invalid: [
      { name: 'not listed', evidence: api('--enable-admission-plugins=ServiceAccount') },
      { name: 'only a longer name', evidence: api('--enable-admission-plugins=NodeRestrictionX') },
      { name: 'flag absent', evidence: api() },
    ],
  },
);

// Groups: an item without `flag` is a group with its own match, at any depth.
const neitherAlwaysAdmit = {
  kind: 'flag',
  container: 'kube-apiserver',
  tests: [
    {
      match: 'any',
      tests: [
        { flag: '--enable-admission-plugins', set: false },
        { flag: '--enable-admission-plugins', op: 'nothave_item', value: 'AlwaysAdmit' },
      ],
    },
    {
      match: 'any',
      tests: [
        { flag: '--admission-control', set: false },
        { flag: '--admission-control', op: 'nothave_item', value: 'AlwaysAdmit' },
      ],
    },
  ],
};

checkTester('flag: all of two any-groups (AlwaysAdmit in neither flag)', neitherAlwaysAdmit, {
  valid: [
    {
      name: 'neither flag set',
      evidence: api('--anonymous-auth=false'),
      actual: '--enable-admission-plugins not set, --admission-control not set',
    },
    { name: 'only the new flag, without it', evidence: api('--enable-admission-plugins=A,B') },
    { name: 'only the deprecated flag, without it', evidence: api('--admission-control=A,B') },
  ],
  invalid: [
    { name: 'in the new flag', evidence: api('--enable-admission-plugins=A,AlwaysAdmit') },
    {
      name: 'only in the deprecated flag',
      evidence: api('--enable-admission-plugins=A', '--admission-control=AlwaysAdmit'),
      actual: '--admission-control=AlwaysAdmit',
    },
    {
      name: 'the deprecated flag given bare, its value in doubt',
      evidence: api('--admission-control', '--enable-admission-plugins=A'),
      status: 'error',
      actual: 'which is given without a value',
    },
  ],
});

const eitherFlagHasPlugin = {
  kind: 'flag',
  container: 'kube-apiserver',
  tests: [
    {
      match: 'any',
      tests: [
        { flag: '--enable-admission-plugins', op: 'has_item', value: 'EventRateLimit' },
        { flag: '--admission-control', op: 'has_item', value: 'EventRateLimit' },
      ],
    },
    { flag: '--admission-control-config-file', op: 'regex', value: '\\S' },
  ],
};

checkTester(
  'flag: an any-group beside a test (EventRateLimit and its config)',
  eitherFlagHasPlugin,
  {
    valid: [
      {
        name: 'new flag and config: the unset alternative is left out of actual',
        evidence: api(
          '--enable-admission-plugins=EventRateLimit',
          '--admission-control-config-file=/a.yaml',
        ),
        actual:
          '--enable-admission-plugins=EventRateLimit, --admission-control-config-file=/a.yaml',
      },
      {
        name: 'deprecated flag and config',
        evidence: api('--admission-control=EventRateLimit', '--admission-control-config-file=/a'),
        actual: '--admission-control=EventRateLimit, --admission-control-config-file=/a',
      },
    ],
    invalid: [
      {
        name: 'plugin without its config: the missing config is shown',
        evidence: api('--enable-admission-plugins=EventRateLimit'),
        actual: '--admission-control-config-file not set',
      },
      {
        name: 'config without the plugin in either flag',
        evidence: api('--enable-admission-plugins=A', '--admission-control-config-file=/a'),
      },
      {
        name: 'neither flag set: both shown',
        evidence: api('--admission-control-config-file=/a'),
        actual: '--enable-admission-plugins not set, --admission-control not set',
      },
    ],
  },
);

describe('flag groups', () => {
  const parse = (tests: unknown[]) =>
    checkSchema.parse({ kind: 'flag', container: 'kube-apiserver', tests });
  it('describe nested groups in parentheses in `expected`', () => {
    const check = checkSchema.parse(eitherFlagHasPlugin);
    const v = runCheck(check, createEvalContext(makeEvidence()));
    expect(v.expected).toBe(
      '(--enable-admission-plugins including the item EventRateLimit or --admission-control including the item EventRateLimit) and --admission-control-config-file matching \\S',
    );
  });
  it('nest three deep', () => {
    const check = parse([
      {
        match: 'any',
        tests: [
          { flag: '--a', op: 'eq', value: '1' },
          {
            match: 'all',
            tests: [
              { flag: '--b', set: true },
              { flag: '--c', set: true },
            ],
          },
        ],
      },
    ]);
    const on = (...args: string[]) => runCheck(check, createEvalContext(api(...args)));
    expect(on('--a=1').status).toBe('pass');
    expect(on('--b=x', '--c=y').status).toBe('pass');
    expect(on('--b=x').status).toBe('fail');
    expect(on('--a=2', '--c=y').status).toBe('fail');
  });
  it('refuse a group without match, an empty group and unknown keys', () => {
    expect(() => parse([{ tests: [{ flag: '--a', set: true }] }])).toThrow();
    expect(() => parse([{ match: 'any', tests: [] }])).toThrow();
    expect(() =>
      parse([{ match: 'any', tests: [{ flag: '--a', set: true }], flag: '--b' }]),
    ).toThrow();
  });
});

checkTester(
  'flag: a flag that is an alternative in two groups is shown unless both have another set',
  {
    kind: 'flag',
    container: 'kube-apiserver',
    tests: [
      {
        match: 'any',
        tests: [
          { flag: '--k', op: 'has_item', value: 'x' },
          { flag: '--a', op: 'has_item', value: 'x' },
        ],
      },
      {
        match: 'any',
        tests: [
          { flag: '--k', op: 'has_item', value: 'y' },
          { flag: '--b', op: 'has_item', value: 'y' },
        ],
      },
    ],
  },
  {
    valid: [
      { name: 'both through the others', evidence: api('--a=x', '--b=y'), actual: '--a=x, --b=y' },
    ],
    invalid: [
      {
        name: 'the second group has no other flag set: --k is part of why it fails',
        evidence: api('--a=x'),
        actual: '--k not set, --a=x, --b not set',
      },
    ],
  },
);

describe('flag: its parts', () => {
  const parts = partsOf({
    kind: 'flag',
    container: 'kube-apiserver',
    tests: [
      { flag: '--anonymous-auth', op: 'eq', value: 'false' },
      { match: 'any', tests: [{ flag: '-profiling', op: 'eq', value: 'false' }] },
    ],
  });

  it('finds the flags it rests on, as data: a value, or null where the flag is not set', () => {
    const v = parts.run(api('--anonymous-auth=true'));
    expect(v.found).toEqual({
      id: 'flag-values',
      data: {
        container: 'kube-apiserver',
        flags: { '--anonymous-auth': 'true', '--profiling': null },
      },
    });
    expect(v.actual).toBe('--anonymous-auth=true, --profiling not set');
  });

  it('needs the container, and is decided by its args in a plan', () => {
    expect(parts.requires()).toEqual({ containers: ['kube-apiserver'], files: [], kubernetes: [] });
    expect(parts.plan()).toBe('args');
  });

  it('is fixed by changing the flags, through the same tests its verdicts use', () => {
    const intent = parts.fix('fail');
    if (intent?.to !== 'flags') throw new Error(`not a flags fix: ${JSON.stringify(intent)}`);
    expect(intent).toMatchObject({
      container: 'kube-apiserver',
      flags: ['--anonymous-auth', '--profiling'],
    });
    const state = new Map([['--anonymous-auth', 'true']]);
    const limits = {
      fixed: new Set<string>(),
      overridable: new Set<string>(),
      defaults: new Map(),
    };
    expect(intent.solve(state, limits)).toBe(true);
    expect([...state]).toEqual([
      ['--anonymous-auth', 'false'],
      ['--profiling', 'false'],
    ]);
    expect(
      parts.run(
        makeEvidence({
          args: {
            'kube-apiserver': ['kube-apiserver', ...[...state].map(([k, v]) => `${k}=${v}`)],
          },
        }),
      ).status,
    ).toBe('pass');
    // A flag the deployment fixes cannot be changed: no solution, and the state is left as it was.
    const stuck = new Map([['--anonymous-auth', 'true']]);
    expect(intent.solve(stuck, { ...limits, fixed: new Set(['--anonymous-auth']) })).toBe(false);
    expect([...stuck]).toEqual([['--anonymous-auth', 'true']]);
  });

  it('has nothing to fix where nothing was judged', () => {
    expect(parts.fix('error', parts.run(makeEvidence()).found)).toBeUndefined();
  });

  it('is the registered flag kind', () => {
    expect(kinds.flag.messages).toHaveProperty('flag-values');
  });
});

describe('flag: a verdict given again for the same flag values', () => {
  // Alternatives in an `any` group nested in the `all` (one left out of `actual` when the other
  // is set), a comparison and a `set: false` test: every part of a verdict the values decide.
  const check = checkSchema.parse({
    kind: 'flag',
    container: 'kube-apiserver',
    match: 'all',
    tests: [
      {
        match: 'any',
        tests: [
          { flag: '--enable-admission-plugins', op: 'has', value: 'AlwaysPullImages' },
          { flag: '--admission-control', op: 'has', value: 'AlwaysPullImages' },
        ],
      },
      { flag: '--profiling', op: 'eq', value: 'false' },
      { flag: '--insecure-port', set: false },
    ],
  });
  const VALUES: Record<string, (string | undefined)[]> = {
    '--enable-admission-plugins': [undefined, 'AlwaysPullImages', 'NodeRestriction'],
    '--admission-control': [undefined, 'AlwaysPullImages,NodeRestriction', 'x'],
    '--profiling': [undefined, 'false', 'true'],
    '--insecure-port': [undefined, '0', '8080'],
  };
  const fresh = (args: string[]) =>
    // A copy of the check is a check no verdict was memoized for.
    runCheck(structuredClone(check), createEvalContext(api(...args)));

  it('equals the verdict made anew, node after node, whatever the order (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(...Object.keys(VALUES).map(() => fc.nat(2))), {
          minLength: 1,
          maxLength: 30,
        }),
        (nodes) => {
          for (const picks of nodes) {
            const args = Object.entries(VALUES).flatMap(([flag, values], i) => {
              const v = values[picks[i] as number];
              return v === undefined ? [] : [`${flag}=${v}`];
            });
            const given = runCheck(check, createEvalContext(api(...args)));
            expect(given).toEqual(fresh(args));
            expect(Object.isFrozen(given.found)).toBe(true);
          }
        },
      ),
    );
  });

  it('never gives it to a node whose same flag values are in doubt', () => {
    const args = ['--profiling=false', '--admission-control=AlwaysPullImages'];
    expect(runCheck(check, createEvalContext(api(...args))).status).toBe('pass');
    const doubted = runCheck(
      check,
      createEvalContext(api(...args), {
        'kube-apiserver': { '--profiling': 'given twice under two spellings' },
      }),
    );
    expect(doubted.status).toBe('error');
    expect(doubted.actual).toBe('given twice under two spellings');
  });

  it('gives the same frozen verdict to a node with the same flags', () => {
    const a = runCheck(
      check,
      createEvalContext(api('--profiling=false', '--admission-control=AlwaysPullImages')),
    );
    const b = runCheck(
      check,
      createEvalContext(api('--admission-control=AlwaysPullImages', '--profiling=false')),
    );
    expect(b).toBe(a);
    expect(a.actual).toBe(
      '--admission-control=AlwaysPullImages, --profiling=false, --insecure-port not set',
    );
    expect(a.status).toBe('pass');
  });
});
