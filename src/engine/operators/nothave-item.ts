import { splitList } from './list.js';

/** nothave_item: the comma-separated value does not hold the expected item. */
export const nothaveItem = (actual: string, expected: string): boolean =>
  !splitList(actual).includes(expected.trim());
