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
import type { OperatorName } from '../../profiles/operator-names.js';

export { OPERATOR_NAMES, type OperatorName } from '../../profiles/operator-names.js';

export type Operator = (actual: string, expected: string) => boolean;

/** An operator for every name the profile format defines (profiles/operator-names.ts), and no other. */
export type OperatorTable = { readonly [O in OperatorName]: Operator };

const operators: OperatorTable = {
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
};

export default operators;

/** How an operator reads in `expected` text. */
export const OPERATOR_PHRASES: { readonly [O in OperatorName]: string } = {
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
