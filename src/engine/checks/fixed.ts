import type { Check } from '../../profiles/schema.js';
import type { Verdict } from '../verdict.js';

type FixedCheck = Extract<Check, { kind: 'fixed' }>;

/** Controls the guide rules not applicable to RKE, or leaves to a person to judge. */
export const fixed = (check: FixedCheck): Verdict => ({
  status: check.status,
  actual: check.status === 'manual' ? 'to be judged by a person' : 'not applicable to RKE',
  expected: check.status === 'manual' ? 'documented by the operator' : 'not applicable',
  reason: check.reason,
});
