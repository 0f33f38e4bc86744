import { isFlagGroup } from '../../profiles/flag-items.js';
import type { Check, FlagItem, ValueTest } from '../../profiles/schema.js';
import { showFlag } from '../flags.js';
import { describeTest, runTest } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { containerFlags } from './container.js';

type FlagCheck = Extract<Check, { kind: 'flag' }>;

/** A check's tests with each flag keyed as parseFlags keys it (`--name`): a tree of groups. */
type Node = { key: string; test: ValueTest } | { all: boolean; items: Node[] };

/** What a flag check derives from the profile alone: the same for every node it judges. */
interface FlagPlan {
  expected: string;
  root: Node;
  /** The distinct keys, in test order, for `actual` and for arguments in doubt. */
  names: string[];
  /**
   * For a key tested only as an alternative (compared, in `any` groups), the other keys of each
   * of those groups: when every group has one of them set and this one is not, `actual` leaves
   * this one out. "AlwaysPullImages in --enable-admission-plugins or in the deprecated
   * --admission-control" shows the flag the node has, not "--admission-control not set" on
   * every node.
   */
  alternatives: Map<string, string[][]>;
}

/** Profiles are data that evaluation never changes, so each check's plan is worked out once. */
const plans = new WeakMap<FlagCheck, FlagPlan>();

const keyOf = (flag: string): string => `--${flag.replace(/^--?/, '')}`;

/**
 * Where each key is tested: `null` once it is tested where it alone decides (an `all` group, a
 * `set: false` test, an `any` group of no other flag), else the other keys of each `any` group
 * it is compared in, one set per group.
 */
type Places = Map<string, Set<string>[] | null>;

function compile(
  items: readonly FlagItem[],
  match: 'all' | 'any',
  names: string[],
  places: Places,
): Node {
  const direct = items.flatMap((item) => (isFlagGroup(item) ? [] : [keyOf(item.flag)]));
  return {
    all: match === 'all',
    items: items.map((item) => {
      if (isFlagGroup(item)) return compile(item.tests, item.match, names, places);
      const key = keyOf(item.flag);
      if (!names.includes(key)) names.push(key);
      const others = direct.filter((k) => k !== key);
      const before = places.get(key);
      // Only a comparison (`op`), which an unset flag fails, makes an alternative: an unset flag
      // that passes a `set: false` test is the evidence, and is always shown.
      if (match === 'all' || others.length === 0 || before === null || item.op === undefined)
        places.set(key, null);
      else places.set(key, [...(before ?? []), new Set(others)]);
      return { key, test: item };
    }),
  };
}

/** `a and b`, `a or b`; a group inside another is parenthesized: `a and (b or c)`. */
function describe(items: readonly FlagItem[], match: 'all' | 'any', nested: boolean): string {
  const text = items
    .map((item) =>
      isFlagGroup(item) ? describe(item.tests, item.match, true) : describeTest(item.flag, item),
    )
    .join(match === 'all' ? ' and ' : ' or ');
  return nested && items.length > 1 ? `(${text})` : text;
}

function planOf(check: FlagCheck): FlagPlan {
  let plan = plans.get(check);
  if (plan === undefined) {
    const names: string[] = [];
    const places: Places = new Map();
    const root = compile(check.tests, check.match, names, places);
    const alternatives = new Map<string, string[][]>();
    for (const [key, groups] of places)
      if (groups !== null)
        alternatives.set(
          key,
          groups.map((g) => [...g]),
        );
    plan = { expected: describe(check.tests, check.match, false), root, names, alternatives };
    plans.set(check, plan);
  }
  return plan;
}

/**
 * Whether the flags pass the tests. Tests are pure, so stopping at the first item that decides
 * gives the same answer as running them all; loops rather than every/some: this runs for most
 * controls of every node.
 */
function passes(node: Node, flags: ReadonlyMap<string, string>): boolean {
  if ('key' in node) return runTest(node.test, flags.get(node.key));
  const { all, items } = node;
  for (let i = 0; i < items.length; i++) {
    if (passes(items[i] as Node, flags) !== all) return !all;
  }
  return all;
}

/** Container flags compared as kube-bench does, on args parsed like pflag. */
export function flag(check: FlagCheck, ctx: EvalContext): Verdict {
  const { expected, root, names, alternatives } = planOf(check);
  const flags = containerFlags(ctx, check.container);
  if (typeof flags === 'string') return errorVerdict(flags, expected);
  if (flags.unsure !== undefined) {
    const why = names.map((n) => flags.unsure?.get(n)).find((w) => w !== undefined);
    if (why !== undefined) return errorVerdict(why, expected);
  }
  const ok = passes(root, flags);
  let actual = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as string;
    const value = flags.get(n);
    // An unset alternative is left out when another is set (which is then shown): never all.
    const groups = alternatives.get(n);
    if (value === undefined && groups?.every((g) => g.some((a) => flags.has(a))) === true) continue;
    actual += `${actual === '' ? '' : ', '}${showFlag(n, value)}`;
  }
  return { status: ok ? 'pass' : 'fail', actual, expected };
}
