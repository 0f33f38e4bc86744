import { isFlagGroup } from '../../profiles/flag-items.js';
import type { FlagItem, FlagTest, ValueTest } from '../../profiles/schema.js';
import { describeTest, runTest } from '../tests.js';
import { keyOf } from './container.js';
import type { Verdict } from '../verdict.js';
import type { CheckOf } from './kind.js';

type FlagCheck = CheckOf<'flag'>;

/** A check's tests with each flag keyed as parseFlags keys it (`--name`): a tree of groups. */
export type FlagNode = { key: string; test: ValueTest } | { all: boolean; items: FlagNode[] };

/** What a flag check derives from the profile alone: the same for every node it judges. */
export interface FlagPlan {
  expected: string;
  root: FlagNode;
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
  /** `alternatives` of each of `names`, by index: read for every flag control of every node. */
  alternativesByName: (string[][] | undefined)[];
  /** The environment variables the tests name (keyed by their names, which no flag key is). */
  env: string[];
  /** Flag key -> the `--config` file's key read when the flag is not given. */
  config: Map<string, string>;
  /** True when the tests read the container's flags alone (no variable, no config key). */
  flagsOnly: boolean;
  /**
   * The verdicts last made of flags alone, each with the values of `names` it was made of
   * (flag.ts): nodes of a fleet mostly share them, and the values decide the whole verdict.
   */
  recent: { values: (string | undefined)[]; verdict: Readonly<Verdict> }[];
}

/** A test's key: `--name` for a flag (as parseFlags keys it), the variable's name for `env`. */
const itemKey = (item: FlagTest): string => ('flag' in item ? keyOf(item.flag) : item.env);

/** A test's subject in words: the flag (and the config key it falls back to), or the variable. */
const subjectOf = (item: FlagTest): string =>
  !('flag' in item)
    ? `${item.env} (environment)`
    : item.config === undefined
      ? item.flag
      : `${item.flag} (else ${item.config} in the --config file)`;

/** Profiles are data that evaluation never changes, so each check's plan is worked out once. */
const plans = new WeakMap<FlagCheck, FlagPlan>();

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
  extras: { env: string[]; config: Map<string, string> },
): FlagNode {
  const direct = items.flatMap((item) => (isFlagGroup(item) ? [] : [itemKey(item)]));
  return {
    all: match === 'all',
    items: items.map((item) => {
      if (isFlagGroup(item)) return compile(item.tests, item.match, names, places, extras);
      const key = itemKey(item);
      if (!names.includes(key)) names.push(key);
      if ('env' in item && !extras.env.includes(item.env)) extras.env.push(item.env);
      if ('flag' in item && item.config !== undefined) extras.config.set(key, item.config);
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
      isFlagGroup(item)
        ? describe(item.tests, item.match, true)
        : describeTest(subjectOf(item), item),
    )
    .join(match === 'all' ? ' and ' : ' or ');
  return nested && items.length > 1 ? `(${text})` : text;
}

export function flagPlanOf(check: FlagCheck): FlagPlan {
  let plan = plans.get(check);
  if (plan === undefined) {
    const names: string[] = [];
    const places: Places = new Map();
    const extras = { env: [] as string[], config: new Map<string, string>() };
    const root = compile(check.tests, check.match, names, places, extras);
    const alternatives = new Map<string, string[][]>();
    for (const [key, groups] of places)
      if (groups !== null)
        alternatives.set(
          key,
          groups.map((g) => [...g]),
        );
    plan = {
      expected: describe(check.tests, check.match, false),
      root,
      names,
      alternatives,
      alternativesByName: names.map((n) => alternatives.get(n)),
      ...extras,
      flagsOnly: extras.env.length === 0 && extras.config.size === 0,
      recent: [],
    };
    plans.set(check, plan);
  }
  return plan;
}

/**
 * Whether the flags pass the tests. Tests are pure, so stopping at the first item that decides
 * gives the same answer as running them all; loops rather than every/some: this runs for most
 * controls of every node.
 */
export function passes(node: FlagNode, flags: ReadonlyMap<string, string>): boolean {
  if ('key' in node) return runTest(node.test, flags.get(node.key));
  const { all, items } = node;
  for (let i = 0; i < items.length; i++) {
    if (passes(items[i] as FlagNode, flags) !== all) return !all;
  }
  return all;
}
