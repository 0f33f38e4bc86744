import { describe, expect, it } from 'vitest';
import kinds, { runCheck } from '../../src/engine/checks/index.js';
import { createEvalContext } from '../../src/engine/evaluate.js';
import type { Verdict } from '../../src/engine/verdict.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { checkSchema, type Check } from '../../src/profiles/schema.js';
import type { Status } from '../../src/report/types.js';
import { deepFreeze } from './deep-freeze.js';

export interface CheckCase {
  name: string;
  evidence: Evidence;
  /** For invalid cases: the status other than pass (fail, error, not-applicable). */
  status?: Exclude<Status, 'pass'>;
  /** Text `actual` must contain. */
  actual?: string;
  /** What the verdict must have found: its message id, and data it must hold (a subset). */
  found?: { id: string; data?: Record<string, unknown> };
}

/**
 * What every verdict of every kind must be: its `found` one of its kind's messages, `actual`
 * that message's text of the data, the same after the data has been through a JSON report (as
 * remediate reads it), and an error's reason its text.
 */
export function expectCoherent(check: Check, v: Verdict): void {
  const messages = kinds[check.kind].messages;
  expect(Object.keys(messages), `found id ${v.found.id}`).toContain(v.found.id);
  const text = messages[v.found.id] as (data: unknown) => string;
  expect(text(v.found.data)).toBe(v.actual);
  const carried = JSON.parse(JSON.stringify(v.found)) as Verdict['found'];
  expect(carried).toEqual(v.found);
  expect(text(carried.data)).toBe(v.actual);
  if (v.status === 'error') expect(v.reason).toBe(v.actual);
}

/**
 * ESLint's RuleTester, for check kinds: a table of evidence that must pass and evidence that
 * must not, each run as `evaluate` runs it (the engine's own evaluation context). Both kinds of
 * case are required, names must be unique, and inputs are frozen.
 */
export function checkTester(
  title: string,
  rawCheck: unknown,
  table: { valid: CheckCase[]; invalid: CheckCase[] },
  /** `neverPasses`: a check that is never a pass (a fixed manual or not-applicable one) has no valid cases. */
  options: { neverPasses?: boolean } = {},
): void {
  describe(title, () => {
    it('has both passing and failing cases with unique names', () => {
      if (options.neverPasses === true) expect(table.valid).toEqual([]);
      else expect(table.valid.length).toBeGreaterThan(0);
      expect(table.invalid.length).toBeGreaterThan(0);
      const names = [...table.valid, ...table.invalid].map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    });
    const check: Check = deepFreeze(checkSchema.parse(rawCheck));
    const run = (c: CheckCase): Verdict => {
      const v = runCheck(check, createEvalContext(deepFreeze(c.evidence)));
      expectCoherent(check, v);
      if (c.actual !== undefined) expect(v.actual).toContain(c.actual);
      if (c.found !== undefined) {
        expect(v.found.id).toBe(c.found.id);
        if (c.found.data !== undefined) expect({ ...v.found.data }).toMatchObject(c.found.data);
      }
      return v;
    };
    for (const c of table.valid) {
      it(`passes: ${c.name}`, () => {
        const v = run(c);
        expect(v.status, v.actual).toBe('pass');
      });
    }
    for (const c of table.invalid) {
      it(`${c.status ?? 'fail'}s: ${c.name}`, () => {
        const v = run(c);
        expect(v.status, v.actual).toBe(c.status ?? 'fail');
        if (v.status === 'error') expect(v.reason).toBeTruthy();
      });
    }
  });
}
