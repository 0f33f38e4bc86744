import type { Check } from '../../profiles/schema.js';
import { showFlag } from '../flags.js';
import { splitList } from '../operators/list.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { containerFlags } from './container.js';

type CipherCheck = Extract<Check, { kind: 'cipher-list' }>;

/**
 * The strong cipher suites of CIS Kubernetes Benchmark 1.3.0 (1.1.30, 2.1.15). The guide prints
 * another cipher's name in the TLS_RSA_WITH_AES_128_GCM_SHA256 row; this is the benchmark's list.
 */
export const CIS_STRONG_CIPHERS: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
];
const strong = new Set(CIS_STRONG_CIPHERS);
const STRONG_TEXT = CIS_STRONG_CIPHERS.join(',');

/** Passes when the flag is set and every suite in it is on the CIS strong list. */
export function cipherList(check: CipherCheck, ctx: EvalContext): Verdict {
  const expected = `${check.flag} set, with only CIS strong suites (${STRONG_TEXT})`;
  const flags = containerFlags(ctx, check.container);
  if (typeof flags === 'string') return errorVerdict(flags, expected);
  const unsure = flags.unsure?.get(check.flag);
  if (unsure !== undefined) return errorVerdict(unsure, expected);
  const value = flags.get(check.flag);
  if (value === undefined) {
    return { status: 'fail', actual: showFlag(check.flag, value), expected };
  }
  const suites = splitList(value);
  const weak = suites.filter((s) => !strong.has(s));
  const ok = suites.length > 0 && weak.length === 0;
  const actual =
    showFlag(check.flag, value) +
    (weak.length > 0 ? ` (not on the CIS strong list: ${weak.join(', ')})` : '') +
    (suites.length === 0 ? ' (empty)' : '');
  return { status: ok ? 'pass' : 'fail', actual, expected };
}
