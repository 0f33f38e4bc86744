import { bitmask } from './bitmask.js';
import { eq } from './eq.js';
import { gt } from './gt.js';
import { gte } from './gte.js';
import { has } from './has.js';
import { hasItem } from './has-item.js';
import { lt } from './lt.js';
import { lte } from './lte.js';
import { noteq } from './noteq.js';
import { nothave } from './nothave.js';
import { nothaveItem } from './nothave-item.js';
import { regex } from './regex.js';
import { validElements } from './valid-elements.js';

export type Operator = (actual: string, expected: string) => boolean;

/** The comparison operators a profile may name: kube-bench's, plus the two list-item ones. */
const operators = {
  eq,
  noteq,
  has,
  nothave,
  gt,
  gte,
  lt,
  lte,
  bitmask,
  valid_elements: validElements,
  regex,
  has_item: hasItem,
  nothave_item: nothaveItem,
} satisfies Record<string, Operator>;

export default operators;

export type OperatorName = keyof typeof operators;
export const OPERATOR_NAMES = Object.keys(operators) as [OperatorName, ...OperatorName[]];

/** How an operator reads in `expected` text. */
export const OPERATOR_PHRASES: Record<OperatorName, string> = {
  eq: 'equal to',
  noteq: 'not equal to',
  has: 'containing',
  nothave: 'not containing',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  bitmask: 'no permission bits outside',
  valid_elements: 'only items from',
  regex: 'matching',
  has_item: 'including the item',
  nothave_item: 'not including the item',
};
