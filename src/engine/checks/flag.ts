import type { Check } from '../../profiles/schema.js';
import { showFlag } from '../flags.js';
import { describeTest, runTest } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { containerFlags } from './container.js';

type FlagCheck = Extract<Check, { kind: 'flag' }>;

/** What a flag check derives from the profile alone: the same for every node it judges. */
interface FlagPlan {
  expected: string;
  /** Each test's flag as parseFlags keys it (`--name`), in test order. */
  keys: string[];
  /** The distinct keys, for `actual`. */
  names: string[];
}

/** Profiles are data that evaluation never changes, so each check's plan is worked out once. */
const plans = new WeakMap<FlagCheck, FlagPlan>();

function planOf(check: FlagCheck): FlagPlan {
  let plan = plans.get(check);
  if (plan === undefined) {
    const keys = check.tests.map((t) => `--${t.flag.replace(/^--?/, '')}`);
    plan = {
      expected: check.tests
        .map((t) => describeTest(t.flag, t))
        .join(check.match === 'all' ? ' and ' : ' or '),
      keys,
      names: [...new Set(keys)],
    };
    plans.set(check, plan);
  }
  return plan;
}

/** Container flags compared as kube-bench does, on args parsed like pflag. */
export function flag(check: FlagCheck, ctx: EvalContext): Verdict {
  const { expected, keys, names } = planOf(check);
  const flags = containerFlags(ctx, check.container);
  if (typeof flags === 'string') return errorVerdict(flags, expected);
  if (flags.unsure !== undefined) {
    const why = names.map((n) => flags.unsure?.get(n)).find((w) => w !== undefined);
    if (why !== undefined) return errorVerdict(why, expected);
  }
  // Loops rather than map/join: this runs for most controls of every node. Tests are pure, so
  // stopping at the first that decides gives combine()'s answer.
  const all = check.match === 'all';
  let ok = all;
  for (let i = 0; i < check.tests.length && ok === all; i++) {
    if (runTest(check.tests[i] as FlagCheck['tests'][number], flags.get(keys[i] as string)) !== all)
      ok = !all;
  }
  let actual = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as string;
    actual += `${i === 0 ? '' : ', '}${showFlag(n, flags.get(n))}`;
  }
  return { status: ok ? 'pass' : 'fail', actual, expected };
}
