import { booleanLiteral, parseBool } from './bool.js';

/**
 * noteq: the value is anything but the expected text. Against a boolean literal (`true`,
 * `false`), the value must be a boolean as the component reads it (Go's strconv.ParseBool), and
 * the other one: `--anonymous-auth=TRUE` is true, so not "not true"; and text ParseBool refuses
 * (`yes`, with which the component does not start) proves nothing, so it does not pass either.
 */
export const noteq = (actual: string, expected: string): boolean => {
  const want = booleanLiteral(expected);
  if (want === undefined) return actual !== expected;
  const got = parseBool(actual);
  return got !== undefined && got !== want;
};
