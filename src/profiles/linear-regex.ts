import { setFlagsFromString } from 'node:v8';

let linearFlag = false;

/**
 * Why a (valid) regex could run without bound, if it could: V8's linear-time engine refuses it,
 * as it does lookahead, lookbehind and backreferences, so no fallback would stop its backtracking
 * (see the engine's regex operator). A rule of the profile format, asked when a profile is
 * validated (built-in profiles are, at build time).
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
