/**
 * Bad input or a scan that could not run: one clear message naming the input and the problem,
 * exit code 2. Everything a user can cause ends here, never in a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = 2;
}

/** Exit codes, documented in the README. */
export const EXIT = { compliant: 0, notCompliant: 1, badInput: 2 } as const;
