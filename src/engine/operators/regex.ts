import { setFlagsFromString } from 'node:v8';

/**
 * A regex that backtracks without end (a nested quantifier in a custom profile, `(a+)+$`, on a
 * long argument) would hang the scan. V8 can switch such a regex to its linear-time engine once
 * it has backtracked too much; this asks it to. That engine cannot run lookaround or
 * backreferences, so profiles may not use them (see profiles/linear-regex.ts, checked when a
 * profile loads): every regex a profile holds is then bounded.
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

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
