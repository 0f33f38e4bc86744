import { listItems } from './list.js';

/**
 * nothave_item: the comma-separated value holds items, and not the expected one. An empty list
 * (`--authorization-mode=`) leaves the component's default in force, which the arguments do not
 * show, so the absence of the item is not proven.
 */
export const nothaveItem = (actual: string, expected: string): boolean => {
  const items = listItems(actual);
  return items.size > 0 && !items.has(expected.trim());
};
