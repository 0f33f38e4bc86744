import { describe, expect, it } from 'vitest';
import type { Evidence, FileEvidence } from '../../../src/evidence/schema.js';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { file, makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

/**
 * The flag kind's other settings (flag.test.ts holds its flags): a container's environment
 * variables, and the kubelet's --config file read for a flag not given.
 */

const etcd = (args: string[], env: Record<string, string | null> | undefined): Evidence => {
  const e = makeEvidence({ args: { etcd: ['/usr/local/bin/etcd', ...args] } });
  const c = e.containers.etcd;
  if (c?.status === 'present' && env !== undefined) c.env = env;
  return e;
};

checkTester(
  'flag: an environment variable (etcd --auto-tls and ETCD_AUTO_TLS)',
  {
    kind: 'flag',
    container: 'etcd',
    match: 'all',
    tests: [
      { flag: '--auto-tls', op: 'noteq', value: 'true' },
      { env: 'ETCD_AUTO_TLS', op: 'noteq', value: 'true' },
    ],
  },
  {
    valid: [
      {
        name: 'both false',
        evidence: etcd(['--auto-tls=false'], { ETCD_AUTO_TLS: 'false' }),
        actual: '--auto-tls=false, ETCD_AUTO_TLS=false',
      },
      {
        name: 'both given as 0 (ParseBool)',
        evidence: etcd(['--auto-tls=0'], { ETCD_AUTO_TLS: 'F' }),
      },
    ],
    invalid: [
      {
        name: 'the variable is true',
        evidence: etcd(['--auto-tls=false'], { ETCD_AUTO_TLS: 'true' }),
        actual: 'ETCD_AUTO_TLS=true',
      },
      {
        name: 'the variable is not set: noteq compares nothing',
        evidence: etcd(['--auto-tls=false'], { ETCD_AUTO_TLS: null }),
        actual: 'ETCD_AUTO_TLS not set',
      },
      {
        name: 'the variable was not collected',
        evidence: etcd(['--auto-tls=false'], {}),
        status: 'error',
        found: { id: 'env-not-collected', data: { name: 'ETCD_AUTO_TLS' } },
      },
      {
        name: 'no environment collected at all',
        evidence: etcd(['--auto-tls=false'], undefined),
        status: 'error',
        found: { id: 'env-not-collected' },
      },
    ],
  },
);

checkTester(
  'flag: "set or not set" of a variable, as the guides write it',
  {
    kind: 'flag',
    container: 'etcd',
    match: 'any',
    tests: [
      { env: 'ETCD_PEER_AUTO_TLS', set: false },
      { env: 'ETCD_PEER_AUTO_TLS', op: 'eq', value: 'false' },
    ],
  },
  {
    valid: [
      { name: 'not set', evidence: etcd([], { ETCD_PEER_AUTO_TLS: null }) },
      { name: 'false', evidence: etcd([], { ETCD_PEER_AUTO_TLS: 'false' }) },
    ],
    invalid: [{ name: 'true', evidence: etcd([], { ETCD_PEER_AUTO_TLS: 'true' }) }],
  },
);

const CONFIG = '/var/lib/kubelet/config.yaml';
const kubelet = (args: string[], config?: FileEvidence): Evidence => {
  const e = makeEvidence({
    args: { kubelet: ['kubelet', ...args] },
    files: config === undefined ? {} : { [CONFIG]: config },
  });
  const c = e.containers.kubelet;
  if (c?.status === 'present')
    c.mounts = [
      { type: 'bind', source: '/var/lib/kubelet', destination: '/var/lib/kubelet', rw: true },
    ];
  return e;
};
const yaml = (text: string): FileEvidence => file('600', 'root', 'root', { content: text });

checkTester(
  'flag: the kubelet --config fallback',
  {
    kind: 'flag',
    container: 'kubelet',
    match: 'all',
    tests: [
      { flag: '--read-only-port', config: 'readOnlyPort', op: 'eq', value: '0' },
      {
        flag: '--anonymous-auth',
        config: 'authentication.anonymous.enabled',
        op: 'eq',
        value: 'false',
      },
    ],
  },
  {
    valid: [
      {
        name: 'flags given, no config',
        evidence: kubelet(['--read-only-port=0', '--anonymous-auth=false']),
      },
      {
        name: 'from the config file',
        evidence: kubelet(
          [`--config=${CONFIG}`],
          yaml('readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n'),
        ),
        actual: `--read-only-port not set, --anonymous-auth not set; in ${CONFIG}: readOnlyPort=0, authentication.anonymous.enabled=false`,
      },
      {
        name: 'a flag given wins over the file',
        evidence: kubelet(
          [`--config=${CONFIG}`, '--read-only-port=0'],
          yaml('readOnlyPort: 10255\nauthentication:\n  anonymous:\n    enabled: false\n'),
        ),
      },
    ],
    invalid: [
      {
        name: 'no flag, no config: the defaults are not assumed',
        evidence: kubelet([]),
        actual: '--read-only-port not set',
      },
      {
        name: 'the config file says 10255',
        evidence: kubelet(
          [`--config=${CONFIG}`],
          yaml('readOnlyPort: 10255\nauthentication:\n  anonymous:\n    enabled: false\n'),
        ),
      },
      {
        name: 'a flag given wins, even a failing one',
        evidence: kubelet(
          [`--config=${CONFIG}`, '--anonymous-auth=true'],
          yaml('readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n'),
        ),
      },
      {
        name: 'a key the file lacks is not set',
        evidence: kubelet([`--config=${CONFIG}`], yaml('readOnlyPort: 0\n')),
        actual: 'authentication.anonymous.enabled not set',
      },
      {
        name: 'the --config file does not exist',
        evidence: kubelet([`--config=${CONFIG}`], { status: 'absent' }),
        status: 'error',
        found: { id: 'file-absent' },
      },
      {
        name: 'the --config file was not read',
        evidence: kubelet([`--config=${CONFIG}`]),
        status: 'error',
        found: { id: 'file-not-collected' },
      },
      {
        name: 'its content was not read',
        evidence: kubelet([`--config=${CONFIG}`], file('600')),
        status: 'error',
        found: { id: 'config-content-not-collected' },
      },
      {
        name: 'not YAML',
        evidence: kubelet([`--config=${CONFIG}`], yaml('a: [\n')),
        status: 'error',
        found: { id: 'config-not-yaml' },
      },
      {
        name: 'YAML, but not a map of settings',
        evidence: kubelet([`--config=${CONFIG}`], yaml('just text\n')),
        status: 'error',
        found: { id: 'config-not-yaml' },
      },
      {
        name: 'a map where a value is read',
        evidence: kubelet([`--config=${CONFIG}`], yaml('readOnlyPort: {a: 1}\n')),
        status: 'error',
        found: { id: 'config-value-type' },
      },
      {
        name: 'the --config path no mount covers',
        evidence: kubelet(['--config=/etc/kubelet.yaml']),
        status: 'error',
        found: { id: 'path-not-mounted' },
      },
    ],
  },
);

describe('flag settings: their parts', () => {
  it('needs only the variables named, and the --config file with its content', () => {
    const env = partsOf({
      kind: 'flag',
      container: 'etcd',
      match: 'all',
      tests: [
        { env: 'ETCD_AUTO_TLS', op: 'noteq', value: 'true' },
        { flag: '--auto-tls', set: false },
      ],
    });
    expect(env.requires()).toEqual({
      containers: ['etcd'],
      env: [{ container: 'etcd', names: ['ETCD_AUTO_TLS'] }],
      files: [],
      kubernetes: [],
    });
    const config = partsOf({
      kind: 'flag',
      container: 'kubelet',
      match: 'all',
      tests: [{ flag: '--read-only-port', config: 'readOnlyPort', op: 'eq', value: '0' }],
    });
    expect(config.requires()).toEqual({
      containers: ['kubelet'],
      mounts: ['kubelet'],
      files: [],
      fromFlags: [
        { from: { container: 'kubelet', flag: '--config' }, entries: false, content: true },
      ],
      kubernetes: [],
    });
  });

  it('a fix of a check on variables is for a person; one on the config fallback sets the flag', () => {
    const env = partsOf({
      kind: 'flag',
      container: 'etcd',
      match: 'all',
      tests: [{ env: 'ETCD_AUTO_TLS', op: 'noteq', value: 'true' }],
    });
    expect(env.fix('fail')).toMatchObject({ to: 'person' });
    const config = partsOf({
      kind: 'flag',
      container: 'kubelet',
      match: 'all',
      tests: [{ flag: '--read-only-port', config: 'readOnlyPort', op: 'eq', value: '0' }],
    });
    expect(config.fix('fail')).toMatchObject({ to: 'flags', flags: ['--read-only-port'] });
  });

  it('refuses a test with neither or both of flag and env, and config without a flag', () => {
    for (const t of [
      { op: 'eq', value: '0' },
      { flag: '--a', env: 'A', set: true },
      { env: 'A', config: 'a', set: true },
      { env: 'A-B', set: true },
      { flag: '--a', config: 'a..b', set: true },
    ])
      expect(
        checkSchema.safeParse({ kind: 'flag', container: 'x', match: 'all', tests: [t] }).success,
        JSON.stringify(t),
      ).toBe(false);
  });
});
