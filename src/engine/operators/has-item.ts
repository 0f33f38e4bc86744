import { listItems } from './list.js';

/**
 * has_item: the comma-separated value holds the expected item exactly (an rkecis addition:
 * kube-bench's substring `has` would accept "NodeRestrictionX" for "NodeRestriction").
 */
export const hasItem = (actual: string, expected: string): boolean =>
  listItems(actual).has(expected.trim());
