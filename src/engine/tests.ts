import operators, { OPERATOR_PHRASES } from './operators/index.js';
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
