import operators, { OPERATOR_PHRASES } from './operators/index.js';
import { booleanLiteral } from './operators/bool.js';
import type { ValueTest } from '../profiles/schema.js';

/** Applies one test to a value that may be missing (undefined). */
export function runTest(test: ValueTest, value: string | undefined): boolean {
  if (test.op !== undefined) {
    return value !== undefined && operators[test.op](value, test.value ?? '');
  }
  return test.set === true ? value !== undefined : value === undefined;
}

/** Plain-language text of a test, for `expected`. */
export function describeTest(subject: string, test: ValueTest): string {
  if (test.op === 'eq') return `${subject}=${test.value ?? ''}`;
  if (test.op !== undefined) return `${subject} ${OPERATOR_PHRASES[test.op]} ${test.value ?? ''}`;
  return test.set === true ? `${subject} set` : `${subject} not set`;
}

export function combine(results: boolean[], match: 'all' | 'any'): boolean {
  return match === 'all' ? results.every(Boolean) : results.some(Boolean);
}

/** Operators that read a value as a list of items: a list's items, or a map's keys. */
const ITEM_OPERATORS = new Set<ValueTest['op']>(['has_item', 'nothave_item', 'valid_elements']);
const NUMBER_OPERATORS = new Set<ValueTest['op']>(['gt', 'gte', 'lt', 'lte']);

/**
 * Why a value read from a Kubernetes object or a YAML file (parsed, so typed) cannot be compared
 * by the test, if it cannot: its type is not the one the comparison is about. One rule for every
 * field, so that a value of the wrong type is an error, never a pass (nor a fail that pretends
 * to know):
 * - against a boolean literal (`eq false`, `noteq true`): a boolean. `hostPID: {"$ne": true}`
 *   or `privileged: "false"` is not a boolean the API would hold. (Flag values are text by
 *   nature and are read as the component reads them: see operators/bool.ts.)
 * - gt, gte, lt, lte: a number, or text (which must then be a decimal integer to compare);
 * - the item operators: a list (its items), or a map (its keys: an encryption provider entry
 *   `{aescbc: {...}}` reads as its name);
 * - any other operator: a string or a number;
 * - `set` tests ask only whether a value is there; null counts as absent.
 */
export function typeProblem(test: ValueTest, value: unknown): string | undefined {
  const op = test.op;
  if (op === undefined || value === undefined || value === null) return undefined;
  const type = Array.isArray(value) ? 'list' : typeof value;
  let wanted: string;
  let ok: boolean;
  if (ITEM_OPERATORS.has(op)) {
    wanted = 'a list (or a map of names)';
    ok = type === 'object' || (type === 'list' && !(value as unknown[]).some(Array.isArray));
  } else if ((op === 'eq' || op === 'noteq') && booleanLiteral(test.value ?? '') !== undefined) {
    wanted = 'a boolean';
    ok = type === 'boolean';
  } else if (NUMBER_OPERATORS.has(op)) {
    wanted = 'a number';
    ok = type === 'number' || type === 'string';
  } else {
    wanted = 'a string or a number';
    ok = type === 'string' || type === 'number';
  }
  return ok ? undefined : `${jsonKind(value)}, where ${wanted} is compared`;
}

/** A JSON value's type and a short view of it, for messages: `an object ({"$ne":true})`. */
function jsonKind(value: unknown): string {
  const kind = Array.isArray(value)
    ? 'a list'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  // Parsed JSON or YAML: JSON.stringify gives text for each of its values.
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return `${kind} (${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}
