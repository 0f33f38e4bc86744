import { compareNumbers } from './number.js';

/** gt: a number greater than the expected one. */
export const gt = (actual: string, expected: string): boolean =>
  compareNumbers(actual, expected, (a, b) => a > b);
