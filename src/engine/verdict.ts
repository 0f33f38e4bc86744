import type { Evidence } from '../evidence/schema.js';
import type { Status } from '../report/types.js';
import type { Flags } from './flags.js';

/**
 * What a verdict found, as data, in the manner of ESLint's messageId: a stable id, one of its
 * check kind's messages, and the values that decided it (the flags' values, the file modes, the
 * object's fields). `actual` is the message's text of this data; `plan` and `remediate` read the
 * data, never the text. Part of the JSON contract: each result carries it as `found`.
 */
export interface Found {
  id: string;
  data: Readonly<Record<string, unknown>>;
}

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
