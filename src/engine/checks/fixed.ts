import type { EvalContext, Verdict } from '../verdict.js';
import {
  containerFlags,
  flagValues,
  containerText,
  flagInDoubt,
  isProblem,
  keyOf,
  showFlags,
  type ContainerProblem,
  type FlagValues,
} from './container.js';
import { defineKind, verdictsOf, type CheckOf, type FoundOf } from './kind.js';

type FixedCheck = CheckOf<'fixed'>;

const messages = {
  'not-applicable': () => 'not applicable to RKE',
  'to-judge': () => 'to be judged by a person',
  /** The flags `show` names, as the node has them, for the person who judges. */
  shown: (d: { container: string; flags: FlagValues }) => showFlags(d.flags),
  'nothing-to-show': (d: { problem: ContainerProblem }) =>
    `nothing to show: ${containerText(d.problem)}`,
  'nothing-certain': (d: { container: string; flag: string; why: string }) =>
    `nothing certain to show: ${d.why}`,
} as const;
const verdict = verdictsOf(messages);

/**
 * The found data of a control without evidence, the same for every node: made once, frozen, and
 * shared by every report (nothing changes found data once made), rather than made for each of
 * the many such controls of every node. Its text is its message's.
 */
function plainVerdict(id: 'to-judge' | 'not-applicable'): Pick<Verdict, 'actual' | 'found'> {
  const data = Object.freeze({});
  return { actual: messages[id](), found: Object.freeze({ id, data }) };
}
const TO_JUDGE = plainVerdict('to-judge');
const NOT_APPLICABLE = plainVerdict('not-applicable');

type Shown = FoundOf<Pick<typeof messages, 'shown' | 'nothing-to-show' | 'nothing-certain'>>;

/**
 * What the node shows for a person to judge (`show`): the named flags that are set, as
 * `docker inspect` has them, or every one of them "not set" when none is. Evidence that cannot
 * be had says why; the verdict stays the person's.
 */
function shown(show: NonNullable<FixedCheck['show']>, ctx: EvalContext): Shown {
  const { container } = show;
  const flags = containerFlags(ctx, container);
  if (isProblem(flags)) return { id: 'nothing-to-show', data: { problem: flags } };
  const keys = show.flags.map(keyOf);
  const doubt = flagInDoubt(flags, keys);
  if (doubt !== undefined) return { id: 'nothing-certain', data: { container, ...doubt } };
  const set = keys.filter((k) => flags.has(k));
  const values = flagValues();
  for (const k of set.length > 0 ? set : keys) values[k] = flags.get(k) ?? null;
  return { id: 'shown', data: { container, flags: values } };
}

/**
 * Controls the guide rules not applicable to RKE, or leaves to a person to judge; a manual one
 * may show the evidence the person needs (1.1.13: the admission plugins the node enables).
 */
export default defineKind<'fixed'>({
  messages,

  evaluate(check, ctx) {
    const manual = check.status === 'manual';
    const expected = manual ? 'documented by the operator' : 'not applicable';
    if (check.show !== undefined) {
      const s = shown(check.show, ctx);
      return verdict(check.status, expected, s.id, s.data, check.reason);
    }
    const plain = manual ? TO_JUDGE : NOT_APPLICABLE;
    return {
      status: check.status,
      actual: plain.actual,
      expected,
      reason: check.reason,
      found: plain.found,
    };
  },

  requires(check, needs) {
    if (check.show !== undefined) needs.container(check.show.container);
  },

  plan: () => 'args',

  fix: (check) => ({ to: 'person', reason: check.reason }),
});
