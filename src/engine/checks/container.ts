import { ownValue } from '../../evidence/own.js';
import { showFlag, type Flags } from '../flags.js';
import type { EvalContext } from '../verdict.js';
import type { FoundOf } from './kind.js';

/** A container's flag values as found data: `--name` -> value, null where it is not set. */
export type FlagValues = Readonly<Record<string, string | null>>;

/**
 * An empty FlagValues to fill. Its keys are flags as keyOf writes them (`--name`), never
 * `__proto__`, so a plain object serves: faster to fill and to read, for every flag control of
 * every node, than a record without a prototype (kind.ts, setData, for other keys).
 */
export const flagValues = (): Record<string, string | null> => ({});

/** `--a=1, --b not set`: the flags as a person reads them in `docker inspect`. */
export function showFlags(flags: FlagValues): string {
  let out = '';
  for (const name in flags) {
    out += `${out === '' ? '' : ', '}${showFlag(name, flags[name] ?? undefined)}`;
  }
  return out;
}

/** Why a container's flags cannot be had: the messages every kind that reads flags shares. */
export const CONTAINER_MESSAGES = {
  'container-not-collected': (d: { container: string }) =>
    `container ${d.container} was not collected`,
  'container-absent': (d: { container: string }) =>
    `container ${d.container} not found on this node`,
  'container-error': (d: { container: string; reason: string | null }) =>
    d.reason === null
      ? `container ${d.container} could not be inspected`
      : `container ${d.container} could not be inspected: ${d.reason}`,
  /** A flag whose value the arguments do not decide (see Flags.unsure): the reason is the text. */
  'flag-in-doubt': (d: { container: string; flag: string; why: string }) => d.why,
} as const;

export type ContainerProblem = FoundOf<Omit<typeof CONTAINER_MESSAGES, 'flag-in-doubt'>>;

export const containerText = (p: ContainerProblem): string =>
  (CONTAINER_MESSAGES[p.id] as (d: ContainerProblem['data']) => string)(p.data);

/**
 * True for a reason the flags cannot be had, false for the flags (a Map: `instanceof` is a cheap
 * test on every flag control of every node, where `'id' in` walks the Map's prototypes).
 */
export const isProblem = (f: Flags | ContainerProblem): f is ContainerProblem =>
  !(f instanceof Map);

/** The container's parsed flags, or why they cannot be had (never a silent pass). */
export function containerFlags(ctx: EvalContext, name: string): Flags | ContainerProblem {
  // The usual case first: a present container's flags, parsed once (one lookup, for every flag
  // control of every node); ctx.flags gives flags only for a present container.
  const parsed = ctx.flags(name);
  if (parsed !== undefined) return parsed;
  const containers = ctx.evidence.containers;
  const c = ownValue(containers, name, containers[name]);
  if (c === undefined) return { id: 'container-not-collected', data: { container: name } };
  if (c.status === 'absent') return { id: 'container-absent', data: { container: name } };
  if (c.status === 'error')
    return { id: 'container-error', data: { container: name, reason: c.reason } };
  return { id: 'container-error', data: { container: name, reason: null } };
}

/** The first of these flags whose value is in doubt, with why; undefined when none is. */
export function flagInDoubt(
  flags: Flags,
  keys: readonly string[],
): { flag: string; why: string } | undefined {
  if (flags.unsure === undefined) return undefined;
  for (const flag of keys) {
    const why = flags.unsure.get(flag);
    if (why !== undefined) return { flag, why };
  }
  return undefined;
}

/** `--name` as parseFlags keys a flag the profile writes `--name` or `-name`. */
export const keyOf = (flag: string): string => `--${flag.replace(/^--?/, '')}`;
