import { compareNumbers } from './number.js';

/** lte: a number less than or equal to the expected one. */
export const lte = (actual: string, expected: string): boolean =>
  compareNumbers(actual, expected, (a, b) => a <= b);
