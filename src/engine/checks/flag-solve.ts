import type { ValueTest } from '../../profiles/schema.js';
import { splitList } from '../operators/list.js';
import { runTest } from '../tests.js';
import { passes, type FlagNode } from './flag-tree.js';
import type { FlagLimits, FlagState } from './kind.js';

/**
 * Changing a container's flags so a flag check passes: the fix side of the flag kind, on the same
 * compiled tests and the same `passes` as its evaluation, so a fix and a verdict cannot disagree.
 */

const UNSET = Symbol('unset');
type Candidate = string | typeof UNSET;

function appendItem(current: string | undefined, item: string): string {
  const items = splitList(current ?? '');
  return items.includes(item) ? items.join(',') : [...items, item].join(',');
}

function numberCandidates(test: ValueTest): string[] {
  const n = Number(test.value);
  if (!Number.isFinite(n)) return [];
  if (test.op === 'gte' || test.op === 'lte') return [String(n)];
  if (test.op === 'gt') return [String(n + 1)];
  if (test.op === 'lt') return [String(n - 1)];
  return [];
}

/** Values that might make one test pass, best first. */
function candidates(
  flag: string,
  test: ValueTest,
  current: string | undefined,
  limits: FlagLimits,
): Candidate[] {
  const preferred = limits.preferred?.(flag);
  const ownDefault = limits.defaults.get(flag);
  const out: Candidate[] = [];
  if (test.op === 'eq' && test.value !== undefined) out.push(test.value);
  if (test.op === 'has_item' && test.value !== undefined)
    out.push(appendItem(current ?? ownDefault, test.value));
  if (test.op === 'nothave_item' && test.value !== undefined) {
    const rest = splitList(current ?? '').filter((i) => i !== test.value);
    out.push(rest.length > 0 ? rest.join(',') : UNSET);
  }
  if (test.set === false) out.push(UNSET);
  if (preferred !== undefined) out.push(preferred);
  if (ownDefault !== undefined) out.push(ownDefault);
  out.push(...numberCandidates(test));
  return out;
}

/** Whether the state can take this value: a flag the deployment always gives cannot be unset. */
function allowed(flag: string, value: Candidate, limits: FlagLimits): boolean {
  if (limits.fixed.has(flag)) return false;
  return value !== UNSET || !limits.overridable.has(flag);
}

const set = (state: FlagState, flag: string, value: Candidate): void => {
  if (value === UNSET) state.delete(flag);
  else state.set(flag, value);
};

/** Tries to make one test pass by changing its flag; true when it does. */
function solveTest(
  node: { key: string; test: ValueTest },
  state: FlagState,
  limits: FlagLimits,
): boolean {
  const { key, test } = node;
  if (runTest(test, state.get(key))) return true;
  for (const c of candidates(key, test, state.get(key), limits)) {
    if (!allowed(key, c, limits)) continue;
    if (runTest(test, c === UNSET ? undefined : c)) {
      set(state, key, c);
      return true;
    }
  }
  return false;
}

function copyInto(target: FlagState, source: FlagState): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/**
 * Changes the state so the tests pass, if the limits allow: every item of an `all` group, the
 * first achievable one of an `any` group (a flag the container has first, edited before removed,
 * then profile order), groups in the same way, inside out. Returns whether they pass afterwards;
 * on failure the state is left as it was.
 */
export function solveFlags(node: FlagNode, state: FlagState, limits: FlagLimits): boolean {
  if ('key' in node) return solveTest(node, state, limits);
  if (passes(node, state)) return true;
  if (!node.all) {
    // A flag the container already has goes first, edited rather than removed: with
    // --admission-control set, adding --enable-admission-plugins beside it would stop
    // kube-apiserver 1.11 from starting, and removing it would drop every plugin it names.
    const rank = (item: FlagNode): number =>
      !('key' in item) || !state.has(item.key) ? 2 : item.test.op !== undefined ? 0 : 1;
    for (const item of [...node.items].sort((a, b) => rank(a) - rank(b))) {
      const one = new Map(state);
      if (solveFlags(item, one, limits) && passes(node, one)) {
        copyInto(state, one);
        return true;
      }
    }
    return false;
  }
  const trial = new Map(state);
  for (const item of node.items) solveFlags(item, trial, limits);
  // A later fix may undo an earlier one (two items on one flag): only a state that passes counts.
  if (!passes(node, trial)) return false;
  copyInto(state, trial);
  return true;
}
