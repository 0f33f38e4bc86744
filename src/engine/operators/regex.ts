import { setFlagsFromString } from 'node:v8';

/**
 * A regex that backtracks without end (a nested quantifier in a custom profile, `(a+)+$`, on a
 * long argument) would hang the scan. V8 can switch such a regex to its linear-time engine once
 * it has backtracked too much; this asks it to. That engine cannot run lookaround or
 * backreferences, so profiles may not use them (see linearTimeProblem, checked when a profile
 * loads): every regex a profile holds is then bounded.
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

let linearFlag = false;

/**
 * Why a (valid) regex could run without bound, if it could: V8's linear-time engine refuses it,
 * as it does lookahead, lookbehind and backreferences, so no fallback would stop its backtracking.
 * Asked when a profile is validated (built-in profiles are, at build time).
 */
export function linearTimeProblem(source: string): string | undefined {
  if (!linearFlag) {
    // The `l` flag, which compiles a regex for the linear-time engine or refuses it.
    setFlagsFromString('--enable-experimental-regexp-engine');
    linearFlag = true;
  }
  try {
    // eslint-disable-next-line no-invalid-regexp -- `l` is V8's linear-engine flag, enabled above
    new RegExp(source, 'l');
    return undefined;
  } catch {
    return 'lookahead, lookbehind and backreferences are not allowed: such a regex can backtrack without bound on a long value, and only regexes that can run in linear time are';
  }
}

/**
 * regex: the value matches the expected JavaScript regular expression. Profiles are checked at
 * load time so that every regex compiles and can run in linear time.
 */
const cache = new Map<string, RegExp>();

export function regex(actual: string, expected: string): boolean {
  let re = cache.get(expected);
  if (re === undefined) {
    re = new RegExp(expected);
    cache.set(expected, re);
  }
  return re.test(actual);
}
