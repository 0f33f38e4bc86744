import { describe, expect, it } from 'vitest';
import operators, { OPERATOR_NAMES, type OperatorName } from '../../src/engine/operators/index.js';

/** Each operator: [actual, expected] pairs that hold, and pairs that do not. */
const table: Record<OperatorName, { valid: [string, string][]; invalid: [string, string][] }> = {
  // Against a boolean literal, booleans as Go's strconv.ParseBool reads them (the components do).
  eq: {
    valid: [
      ['false', 'false'],
      ['', ''],
      ['False', 'false'],
      ['FALSE', 'false'],
      ['0', 'false'],
      ['f', 'false'],
      ['F', 'false'],
      ['1', 'true'],
      ['t', 'TRUE'],
      ['True', 'true'],
    ],
    invalid: [
      ['false ', 'false'],
      ['no', 'false'],
      ['fAlse', 'false'],
      ['true', 'false'],
      ['1', 'false'],
      // "0" and "1" are numbers in a profile, not booleans.
      ['false', '0'],
      ['true', '1'],
    ],
  },
  noteq: {
    valid: [
      ['true', 'false'],
      ['', 'x'],
      ['false', 'true'],
      ['0', 'true'],
      ['F', 'true'],
      ['t', 'false'],
    ],
    invalid: [
      ['0', '0'],
      ['TRUE', 'true'],
      ['True', 'true'],
      ['1', 'true'],
      ['t', 'true'],
      ['False', 'false'],
      // Text ParseBool refuses (the component does not start with it) is no boolean at all.
      ['yes', 'true'],
      ['', 'true'],
      ['true ', 'true'],
    ],
  },
  has: {
    valid: [
      ['a,AlwaysAdmit,b', 'AlwaysAdmit'],
      ['abc', 'b'],
    ],
    invalid: [['abc', 'd']],
  },
  nothave: { valid: [['abc', 'd']], invalid: [['abc', 'bc']] },
  gt: {
    valid: [
      ['10', '9'],
      ['+3', '2'],
    ],
    invalid: [
      ['9', '9'],
      ['1800s', '0'],
      ['x', '1'],
      ['0x10', '1'],
    ],
  },
  gte: {
    valid: [
      ['9', '9'],
      ['30', '10'],
    ],
    invalid: [
      ['8', '9'],
      ['', '0'],
    ],
  },
  lt: {
    valid: [['-1', '0']],
    invalid: [
      ['0', '0'],
      ['a', '1'],
    ],
  },
  lte: { valid: [['0', '0']], invalid: [['1', '0']] },
  bitmask: {
    valid: [
      ['644', '644'],
      ['600', '644'],
      ['444', '644'],
      ['0', '644'],
      ['700', '700'],
      ['0644', '644'],
    ],
    invalid: [
      ['664', '644'],
      ['755', '644'],
      ['1644', '644'],
      ['4755', '755'],
      ['777', '700'],
      ['abc', '644'],
      ['8', '644'],
    ],
  },
  valid_elements: {
    valid: [
      ['a,b', 'a,b,c'],
      ['a', 'a'],
    ],
    invalid: [
      ['a,d', 'a,b,c'],
      ['', 'a'],
    ],
  },
  regex: { valid: [['--x=1', '^--x=\\d+$']], invalid: [['--x=a', '^--x=\\d+$']] },
  has_item: {
    valid: [
      ['NodeRestriction,PodSecurityPolicy', 'PodSecurityPolicy'],
      [' a , b ', 'b'],
    ],
    invalid: [
      ['NodeRestrictionX', 'NodeRestriction'],
      ['', 'a'],
    ],
  },
  nothave_item: {
    valid: [['AlwaysAdmitX', 'AlwaysAdmit']],
    // An empty list leaves the component's default, which the arguments do not show.
    invalid: [
      ['a,AlwaysAdmit', 'AlwaysAdmit'],
      ['', 'a'],
      [' , ', 'a'],
    ],
  },
};

describe('operators', () => {
  it('every operator has a table with both kinds of case', () => {
    expect(Object.keys(table).sort()).toEqual([...OPERATOR_NAMES].sort());
    for (const t of Object.values(table)) {
      expect(t.valid.length).toBeGreaterThan(0);
      expect(t.invalid.length).toBeGreaterThan(0);
    }
  });
  for (const name of OPERATOR_NAMES) {
    const op = operators[name];
    for (const [a, e] of table[name].valid) {
      it(`${name}: ${JSON.stringify(a)} vs ${JSON.stringify(e)} holds`, () => {
        expect(op(a, e)).toBe(true);
      });
    }
    for (const [a, e] of table[name].invalid) {
      it(`${name}: ${JSON.stringify(a)} vs ${JSON.stringify(e)} does not hold`, () => {
        expect(op(a, e)).toBe(false);
      });
    }
  }
});
