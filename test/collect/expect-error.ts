import { expect } from 'vitest';

/** Asserts evidence is `{status: 'error'}` with a reason matching `reason`, and nothing else. */
export function expectError(got: unknown, reason: RegExp): void {
  expect(got).toMatchObject({ status: 'error' });
  expect(Object.keys(got as object).sort()).toEqual(['reason', 'status']);
  expect((got as { reason: string }).reason).toMatch(reason);
}
