import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../src/engine/verdict.js';
import checks from '../../src/engine/checks/index.js';
import { runCheck } from '../../src/engine/checks/index.js';
import { parseFlags } from '../../src/engine/flags.js';
import { checkSchema } from '../../src/profiles/schema.js';
import { CIS_STRONG_CIPHERS } from '../../src/engine/checks/cipher-list.js';
import { checkTester } from '../helpers/check-tester.js';
import { file, makeEvidence } from '../helpers/evidence.js';

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

const ciphers = (v: string) => api(`--tls-cipher-suites=${v}`);
checkTester(
  'cipher-list',
  { kind: 'cipher-list', container: 'kube-apiserver' },
  {
    valid: [
      { name: 'the full CIS list', evidence: ciphers(CIS_STRONG_CIPHERS.join(',')) },
      {
        name: 'a subset',
        evidence: ciphers(
          'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384',
        ),
      },
    ],
    invalid: [
      { name: 'not set (Go defaults include CBC suites)', evidence: api(), actual: 'not set' },
      {
        name: 'a CBC suite',
        evidence: ciphers('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA'),
        actual: 'TLS_RSA_WITH_AES_128_CBC_SHA',
      },
      { name: 'RC4', evidence: ciphers('TLS_ECDHE_RSA_WITH_RC4_128_SHA') },
      { name: 'empty', evidence: ciphers('') },
      { name: 'unknown name', evidence: ciphers('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256X') },
    ],
  },
);

const files = (f: NonNullable<Parameters<typeof makeEvidence>[0]>['files']) =>
  makeEvidence({ files: f });
checkTester(
  'file-mode: self',
  { kind: 'file-mode', paths: ['/etc/kubernetes/ssl/kube-ca.pem'], max: '644' },
  {
    valid: [
      {
        name: '644',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('644') }),
        actual: '644',
      },
      { name: '600', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('600') }) },
      { name: '400', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('400') }) },
    ],
    invalid: [
      {
        name: '664',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('664') }),
        actual: '664',
      },
      { name: '755', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('755') }) },
      { name: 'setuid', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('4644') }) },
      {
        name: 'missing file',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': { status: 'absent' } }),
        status: 'error',
        actual: '/etc/kubernetes/ssl/kube-ca.pem does not exist',
      },
      { name: 'not collected', evidence: files({}), status: 'error', actual: 'was not collected' },
      {
        name: 'unreadable',
        evidence: files({
          '/etc/kubernetes/ssl/kube-ca.pem': { status: 'error', reason: 'EACCES' },
        }),
        status: 'error',
        actual: 'EACCES',
      },
    ],
  },
);

const dir = (entries: Record<string, ReturnType<typeof file>> | undefined) =>
  files({
    '/etc/cni/net.d': {
      ...file('755'),
      type: 'directory',
      ...(entries ? { entries } : {}),
    } as ReturnType<typeof file>,
  });
checkTester(
  'file-mode: entries',
  { kind: 'file-mode', paths: ['/etc/cni/net.d'], target: 'entries', max: '644' },
  {
    valid: [
      {
        name: 'all 644 or stricter',
        evidence: dir({ '10-calico.conflist': file('644'), 'calico-kubeconfig': file('600') }),
        actual: 'all 2 entries',
      },
      { name: 'empty directory', evidence: dir({}), actual: 'no entries' },
    ],
    invalid: [
      {
        name: 'one 666',
        evidence: dir({ a: file('644'), b: file('666') }),
        actual: '/etc/cni/net.d/b: 666',
      },
      { name: 'entries not collected', evidence: dir(undefined), status: 'error' },
      {
        name: 'a file, not a directory',
        evidence: files({ '/etc/cni/net.d': file('644') }),
        status: 'error',
        actual: 'not a directory',
      },
    ],
  },
);

checkTester(
  'file-owner',
  { kind: 'file-owner', paths: ['/var/lib/etcd'], owner: 'etcd:etcd' },
  {
    valid: [
      {
        name: 'etcd:etcd',
        evidence: files({ '/var/lib/etcd': file('700', 'etcd', 'etcd') }),
        actual: 'etcd:etcd',
      },
    ],
    invalid: [
      { name: 'root:root', evidence: files({ '/var/lib/etcd': file('700') }), actual: 'root:root' },
      {
        name: 'unknown uid shown as a number',
        evidence: files({ '/var/lib/etcd': file('700', '52034', '52034') }),
        actual: '52034:52034',
      },
      {
        name: 'missing',
        evidence: files({ '/var/lib/etcd': { status: 'absent' } }),
        status: 'error',
      },
    ],
  },
);

const enc = (content: string) =>
  files({ '/etc/kubernetes/encryption.yaml': file('600', 'root', 'root', { content }) });
const encCheck = {
  kind: 'file-content',
  path: '/etc/kubernetes/encryption.yaml',
  format: 'yaml',
  select: 'resources.*.providers.0',
  test: { op: 'has_item', value: 'aescbc' },
};
checkTester('file-content: first encryption provider', encCheck, {
  valid: [
    {
      name: 'aescbc first',
      evidence: enc(
        'kind: EncryptionConfig\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{name: key1, secret: <redacted>}]\n  - identity: {}\n',
      ),
      actual: 'aescbc',
    },
  ],
  invalid: [
    {
      name: 'identity first (aescbc listed but inactive)',
      evidence: enc('resources:\n- providers:\n  - identity: {}\n  - aescbc: {}\n'),
      actual: 'identity',
    },
    {
      name: 'one resource without aescbc',
      evidence: enc('resources:\n- providers: [{aescbc: {}}]\n- providers: [{identity: {}}]\n'),
    },
    {
      name: 'no providers at all',
      evidence: enc('kind: EncryptionConfig\n'),
      actual: 'nothing at',
    },
    {
      name: 'not YAML',
      evidence: enc('resources: [\n'),
      status: 'error',
      actual: 'not valid YAML',
    },
    {
      name: 'content not collected',
      evidence: files({ '/etc/kubernetes/encryption.yaml': file('600') }),
      status: 'error',
    },
    {
      name: 'missing file',
      evidence: files({ '/etc/kubernetes/encryption.yaml': { status: 'absent' } }),
      status: 'error',
    },
  ],
});

const psp = (spec: Record<string, unknown> | undefined) =>
  makeEvidence({
    kubernetes: {
      resources: {
        podsecuritypolicies: {
          status: 'ok',
          apiVersion: 'policy/v1beta1',
          items:
            spec === undefined ? {} : { restricted: { metadata: { name: 'restricted' }, spec } },
        },
      },
    },
  });
checkTester(
  'k8s-object: privileged not true',
  {
    kind: 'k8s-object',
    resource: 'podsecuritypolicies',
    name: 'restricted',
    match: 'any',
    tests: [
      { field: 'spec.privileged', set: false },
      { field: 'spec.privileged', op: 'noteq', value: 'true' },
    ],
  },
  {
    valid: [
      { name: 'false', evidence: psp({ privileged: false }) },
      { name: 'absent (defaults to false)', evidence: psp({}) },
    ],
    invalid: [
      { name: 'true', evidence: psp({ privileged: true }), actual: 'spec.privileged: true' },
      { name: 'no restricted policy', evidence: psp(undefined), actual: 'does not exist' },
      { name: 'no Kubernetes evidence', evidence: makeEvidence(), status: 'error' },
      {
        name: 'API error',
        evidence: makeEvidence({
          kubernetes: {
            resources: { podsecuritypolicies: { status: 'error', reason: 'HTTP 403' } },
          },
        }),
        status: 'error',
        actual: '403',
      },
      {
        name: 'PSP no longer served (Kubernetes 1.25)',
        evidence: makeEvidence({
          kubernetes: {
            version: 'v1.25.0',
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'not-applicable',
      },
      {
        name: 'PSP said not served by a bundle whose server runs 1.11',
        evidence: makeEvidence({
          kubernetes: {
            version: 'v1.11.5',
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'error',
        actual: 'reports Kubernetes v1.11.5, which serves PodSecurityPolicy',
      },
      {
        name: 'PSP said not served, the server version unknown',
        evidence: makeEvidence({
          kubernetes: {
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'error',
        actual: 'version could not be read',
      },
    ],
  },
);

checkTester(
  'k8s-object: list field has item',
  {
    kind: 'k8s-object',
    resource: 'podsecuritypolicies',
    name: 'restricted',
    tests: [{ field: 'spec.requiredDropCapabilities', op: 'has_item', value: 'NET_RAW' }],
  },
  {
    valid: [
      {
        name: 'NET_RAW dropped',
        evidence: psp({ requiredDropCapabilities: ['NET_RAW', 'SYS_ADMIN'] }),
      },
    ],
    invalid: [
      { name: 'not dropped', evidence: psp({ requiredDropCapabilities: ['SYS_ADMIN'] }) },
      { name: 'absent', evidence: psp({}) },
    ],
  },
);

describe('fixed', () => {
  it('returns its status with the reason', () => {
    const ctx = {} as EvalContext; // a fixed verdict reads no evidence
    const v = checks.fixed(
      { kind: 'fixed', status: 'not-applicable', reason: 'RKE has no such file' },
      ctx,
    );
    expect(v).toMatchObject({ status: 'not-applicable', reason: 'RKE has no such file' });
    expect(checks.fixed({ kind: 'fixed', status: 'manual', reason: 'judge' }, ctx).status).toBe(
      'manual',
    );
  });
});

describe('fixed with evidence to show', () => {
  const check = checkSchema.parse({
    kind: 'fixed',
    status: 'manual',
    reason: 'judge',
    show: {
      container: 'kube-apiserver',
      flags: ['--enable-admission-plugins', '--admission-control'],
    },
  });
  const run = (evidence: ReturnType<typeof makeEvidence>) =>
    runCheck(check, {
      evidence,
      flags: (n) => {
        const c = evidence.containers[n];
        return c?.status === 'present' ? parseFlags(c.args) : undefined;
      },
    });

  it('shows the flags that are set, and stays manual', () => {
    const v = run(api('--enable-admission-plugins=NodeRestriction,PodSecurityPolicy'));
    expect(v).toMatchObject({
      status: 'manual',
      actual: '--enable-admission-plugins=NodeRestriction,PodSecurityPolicy',
      reason: 'judge',
    });
    expect(
      run(api('--admission-control=SecurityContextDeny', '--enable-admission-plugins=X')).actual,
    ).toBe('--enable-admission-plugins=X, --admission-control=SecurityContextDeny');
  });

  it('says when none is set, and why nothing can be shown', () => {
    expect(run(api('--profiling=false')).actual).toBe(
      '--enable-admission-plugins not set, --admission-control not set',
    );
    const absent = run(makeEvidence());
    expect(absent.status).toBe('manual');
    expect(absent.actual).toBe('nothing to show: container kube-apiserver was not collected');
    expect(run(api('--enable-admission-plugins', '--profiling=false')).actual).toMatch(
      /^nothing certain to show: --enable-admission-plugins is given without a value/,
    );
  });

  it('asks the collector for the container', async () => {
    const { evidenceRequirements } = await import('../../src/engine/requirements.js');
    const profile = { controls: [{ check }] } as unknown as Parameters<
      typeof evidenceRequirements
    >[0];
    expect(evidenceRequirements(profile).containers).toEqual(['kube-apiserver']);
  });
});

describe('check kinds', () => {
  it('every check kind is covered by a table in this file', () => {
    expect(Object.keys(checks).sort()).toEqual(
      [
        'cipher-list',
        'file-content',
        'file-mode',
        'file-owner',
        'fixed',
        'flag',
        'k8s-object',
      ].sort(),
    );
  });
});

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
    const v = runCheck(check, {
      evidence: makeEvidence(),
      flags: () => undefined,
    });
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
    const ctx = (...args: string[]): EvalContext => {
      const evidence = api(...args);
      return { evidence, flags: () => parseFlags(['kube-apiserver', ...args]) };
    };
    const on = (...args: string[]) => runCheck(check, ctx(...args));
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
