import { describe, expect, it } from 'vitest';
import { CIS_STRONG_CIPHERS } from '../../../src/engine/checks/cipher-list.js';
import { checkTester } from '../../helpers/check-tester.js';
import { makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const api = (...args: string[]) =>
  makeEvidence({ args: { 'kube-apiserver': ['kube-apiserver', ...args] } });

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

describe('cipher-list: its parts', () => {
  const parts = partsOf({ kind: 'cipher-list', container: 'kube-apiserver' });

  it('finds the flag and the suites that are not on the strong list, as data', () => {
    const v = parts.run(ciphers('TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_RC4_128_SHA'));
    expect(v.found).toEqual({
      id: 'cipher-suites',
      data: {
        container: 'kube-apiserver',
        flags: {
          '--tls-cipher-suites': 'TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_RC4_128_SHA',
        },
        weak: ['TLS_RSA_WITH_RC4_128_SHA'],
      },
    });
    expect(parts.run(api()).found.data).toMatchObject({ flags: { '--tls-cipher-suites': null } });
  });

  it('needs the container, and is decided by its args in a plan', () => {
    expect(parts.requires()).toEqual({ containers: ['kube-apiserver'], files: [], kubernetes: [] });
    expect(parts.plan()).toBe('args');
  });

  it('is fixed by keeping the strong suites, or by the CIS list', () => {
    const intent = parts.fix('fail');
    if (intent?.to !== 'flags') throw new Error('not a flags fix');
    const limits = {
      fixed: new Set<string>(),
      overridable: new Set<string>(),
      defaults: new Map(),
    };
    const state = new Map([['--tls-cipher-suites', 'TLS_RSA_WITH_AES_256_GCM_SHA384,X']]);
    expect(intent.solve(state, limits)).toBe(true);
    expect(state.get('--tls-cipher-suites')).toBe('TLS_RSA_WITH_AES_256_GCM_SHA384');
    const none = new Map<string, string>();
    expect(intent.solve(none, limits)).toBe(true);
    expect(none.get('--tls-cipher-suites')).toBe(CIS_STRONG_CIPHERS.join(','));
    expect(intent.solve(new Map(), { ...limits, fixed: new Set(['--tls-cipher-suites']) })).toBe(
      false,
    );
  });
});
