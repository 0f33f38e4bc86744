import { splitList } from './list.js';

/** valid_elements: every comma-separated item of the value is one of the expected items. */
export function validElements(actual: string, expected: string): boolean {
  const allowed = new Set(splitList(expected));
  const items = splitList(actual);
  return items.length > 0 && items.every((item) => allowed.has(item));
}
