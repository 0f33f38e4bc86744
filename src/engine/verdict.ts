import type { Evidence } from '../evidence/schema.js';
import type { Found, Status } from '../report/types.js';
import type { Flags } from './flags.js';

// The report model defines it (it is part of the JSON contract); the check kinds take it from here.
export type { Found };

/** What a check kind decides for one control. */
export interface Verdict {
  status: Status;
  /** The text of `found`, by its kind's messages. */
  actual: string;
  /** Derived from the check when the control gives no `expected` text of its own. */
  expected: string;
  reason?: string | undefined;
  found: Found;
}

/** Per-evaluation memo, so each container's args are parsed once however many controls read them. */
export interface EvalContext {
  evidence: Evidence;
  flags(container: string): Flags | undefined;
}
