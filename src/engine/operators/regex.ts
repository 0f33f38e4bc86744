/**
 * regex: the value matches the expected JavaScript regular expression. Profiles are checked at
 * load time so that every regex compiles; matching is bounded by Node's regex engine, so
 * profile regexes must avoid nested quantifiers (a test runs each on a 1 MB value).
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
