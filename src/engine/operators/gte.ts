import { compareNumbers } from './number.js';

/** gte: a number greater than or equal to the expected one. */
export const gte = (actual: string, expected: string): boolean =>
  compareNumbers(actual, expected, (a, b) => a >= b);
