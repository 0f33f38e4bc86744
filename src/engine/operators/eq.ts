import { booleanLiteral, parseBool } from './bool.js';

/**
 * eq: the value is exactly the expected text. Against a boolean literal (`true`, `false`), the
 * value is read as the component reads a boolean (Go's strconv.ParseBool): `--profiling=False`
 * and `--profiling=0` equal `false`; text ParseBool refuses equals nothing.
 */
export const eq = (actual: string, expected: string): boolean => {
  if (actual === expected) return true;
  const want = booleanLiteral(expected);
  return want !== undefined && parseBool(actual) === want;
};
