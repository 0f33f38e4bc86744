import { compareNumbers } from './number.js';

/** lt: a number less than the expected one. */
export const lt = (actual: string, expected: string): boolean =>
  compareNumbers(actual, expected, (a, b) => a < b);
