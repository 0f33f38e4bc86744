import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/checks/index.js';
import { flagSyntaxOf, parseFlags } from '../../src/engine/flags.js';
import type { EvalContext } from '../../src/engine/verdict.js';
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
}

const ctxOf = (evidence: Evidence): EvalContext => ({
  evidence,
  flags: (name) => {
    const c = evidence.containers[name];
    return c?.status === 'present' ? parseFlags(c.args, flagSyntaxOf(name)) : undefined;
  },
});

/**
 * ESLint's RuleTester, for check kinds: a table of evidence that must pass and evidence that
 * must not. Both kinds are required, names must be unique, and inputs are frozen.
 */
export function checkTester(
  title: string,
  rawCheck: unknown,
  table: { valid: CheckCase[]; invalid: CheckCase[] },
): void {
  describe(title, () => {
    it('has both passing and failing cases with unique names', () => {
      expect(table.valid.length).toBeGreaterThan(0);
      expect(table.invalid.length).toBeGreaterThan(0);
      const names = [...table.valid, ...table.invalid].map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    });
    const check: Check = deepFreeze(checkSchema.parse(rawCheck));
    for (const c of table.valid) {
      it(`passes: ${c.name}`, () => {
        const v = runCheck(check, ctxOf(deepFreeze(c.evidence)));
        expect(v.status, v.actual).toBe('pass');
        if (c.actual !== undefined) expect(v.actual).toContain(c.actual);
      });
    }
    for (const c of table.invalid) {
      it(`${c.status ?? 'fail'}s: ${c.name}`, () => {
        const v = runCheck(check, ctxOf(deepFreeze(c.evidence)));
        expect(v.status, v.actual).toBe(c.status ?? 'fail');
        if (c.actual !== undefined) expect(v.actual).toContain(c.actual);
        if (v.status === 'error') expect(v.reason).toBeTruthy();
      });
    }
  });
}
