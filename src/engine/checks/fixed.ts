import type { Check } from '../../profiles/schema.js';
import { showFlag } from '../flags.js';
import type { EvalContext, Verdict } from '../verdict.js';
import { containerFlags } from './container.js';

type FixedCheck = Extract<Check, { kind: 'fixed' }>;

const keyOf = (flag: string): string => `--${flag.replace(/^--?/, '')}`;

/**
 * What the node shows for a person to judge (`show`): the named flags that are set, as
 * `docker inspect` has them, or every one of them "not set" when none is. Evidence that cannot
 * be had says why; the verdict stays the person's.
 */
function shown(show: NonNullable<FixedCheck['show']>, ctx: EvalContext): string {
  const flags = containerFlags(ctx, show.container);
  if (typeof flags === 'string') return `nothing to show: ${flags}`;
  const keys = show.flags.map(keyOf);
  const unsure = keys.map((k) => flags.unsure?.get(k)).find((w) => w !== undefined);
  if (unsure !== undefined) return `nothing certain to show: ${unsure}`;
  const set = keys.filter((k) => flags.has(k));
  return (set.length > 0 ? set : keys).map((k) => showFlag(k, flags.get(k))).join(', ');
}

/**
 * Controls the guide rules not applicable to RKE, or leaves to a person to judge; a manual one
 * may show the evidence the person needs (1.1.13: the admission plugins the node enables).
 */
export function fixed(check: FixedCheck, ctx: EvalContext): Verdict {
  const manual = check.status === 'manual';
  return {
    status: check.status,
    actual:
      check.show !== undefined
        ? shown(check.show, ctx)
        : manual
          ? 'to be judged by a person'
          : 'not applicable to RKE',
    expected: manual ? 'documented by the operator' : 'not applicable',
    reason: check.reason,
  };
}
