import { setFlagsFromString } from 'node:v8';

/**
 * A regex that backtracks without end (a nested quantifier in a custom profile, `(a+)+$`, on a
 * long argument) would hang the scan. V8 can switch such a regex to its linear-time engine once
 * it has backtracked too much; this asks it to. Regexes that engine cannot run (lookaround,
 * backreferences) are not covered: the built-in profile's are proven bounded by a test
 * (test/profile/profile.test.ts runs each on 1 MB values).
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/**
 * regex: the value matches the expected JavaScript regular expression. Profiles are checked at
 * load time so that every regex compiles.
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
