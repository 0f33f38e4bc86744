import { showFlag } from '../flags.js';
import { splitList } from '../operators/list.js';
import {
  CONTAINER_MESSAGES,
  containerFlags,
  flagInDoubt,
  isProblem,
  keyOf,
  showFlags,
  type FlagValues,
} from './container.js';
import { defineKind, verdictsOf } from './kind.js';

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

const messages = {
  ...CONTAINER_MESSAGES,
  /** The flag as the node has it, with the suites that are not on the strong list. */
  'cipher-suites': (d: { container: string; flags: FlagValues; weak: readonly string[] }) => {
    const empty = Object.values(d.flags).some((v) => v !== null && splitList(v).length === 0);
    return (
      showFlags(d.flags) +
      (d.weak.length > 0 ? ` (not on the CIS strong list: ${d.weak.join(', ')})` : '') +
      (empty ? ' (empty)' : '')
    );
  },
} as const;
const verdict = verdictsOf(messages);

/** Passes when the flag is set and every suite in it is on the CIS strong list. */
export default defineKind<'cipher-list'>({
  messages,

  evaluate(check, ctx) {
    const expected = `${check.flag} set, with only CIS strong suites (${STRONG_TEXT})`;
    const flags = containerFlags(ctx, check.container);
    if (isProblem(flags)) return verdict('error', expected, flags.id, flags.data);
    const doubt = flagInDoubt(flags, [check.flag]);
    if (doubt !== undefined)
      return verdict('error', expected, 'flag-in-doubt', { container: check.container, ...doubt });
    const value = flags.get(check.flag);
    // A computed key is an own key even when it is `__proto__` (the profile names the flag).
    const shown = { [check.flag]: value ?? null };
    const suites = value === undefined ? [] : splitList(value);
    const weak = suites.filter((s) => !strong.has(s));
    const ok = suites.length > 0 && weak.length === 0;
    const data = { container: check.container, flags: shown, weak };
    // The 'cipher-suites' text of this data, written from what was just worked out rather than
    // from the record (its one flag, split again): the check tester holds the two the same.
    const actual =
      showFlag(check.flag, value) +
      (weak.length > 0 ? ` (not on the CIS strong list: ${weak.join(', ')})` : '') +
      (value !== undefined && suites.length === 0 ? ' (empty)' : '');
    return {
      status: ok ? 'pass' : 'fail',
      actual,
      expected,
      reason: undefined,
      found: { id: 'cipher-suites', data },
    };
  },

  requires(check, needs) {
    needs.container(check.container);
  },

  plan: () => 'args',

  fix(check, v) {
    if (v.status === 'error') return undefined;
    const flag = keyOf(check.flag);
    return {
      to: 'flags',
      container: check.container,
      flags: [flag],
      // Keeps the strong suites of the current list, or gives the CIS strong list.
      solve(state, limits) {
        if (limits.fixed.has(flag)) return false;
        const kept = splitList(state.get(flag) ?? '').filter((s) => strong.has(s));
        state.set(flag, (kept.length > 0 ? kept : CIS_STRONG_CIPHERS).join(','));
        return true;
      },
    };
  },
});
