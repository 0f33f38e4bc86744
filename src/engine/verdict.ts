import type { Evidence } from '../evidence/schema.js';
import type { Status } from '../report/types.js';
import type { Flags } from './flags.js';

/** What a check kind decides for one control. */
export interface Verdict {
  status: Status;
  actual: string;
  /** Derived from the check when the control gives no `expected` text of its own. */
  expected: string;
  reason?: string;
}

/** Per-evaluation memo, so each container's args are parsed once however many controls read them. */
export interface EvalContext {
  evidence: Evidence;
  flags(container: string): Flags | undefined;
}

export const errorVerdict = (reason: string, expected: string): Verdict => ({
  status: 'error',
  actual: reason,
  expected,
  reason,
});
