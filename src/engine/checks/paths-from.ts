import { posix } from 'node:path';
import { ownValue } from '../../evidence/own.js';
import type { Mount } from '../../evidence/schema.js';
import type { PathFrom } from '../../profiles/schema.js';
import type { Flags } from '../flags.js';
import type { EvalContext } from '../verdict.js';
import {
  containerFlags,
  flagInDoubt,
  isProblem,
  keyOf,
  type ContainerProblem,
} from './container.js';
import type { FoundOf } from './kind.js';

/** Why a path named by a container's flag leads to no host file rkecis can read. */
export const PATH_FROM_MESSAGES = {
  'path-flag-unset': (d: { container: string; flag: string }) =>
    `${d.flag} is not set on ${d.container}, and the control gives no default path`,
  /** Not-applicable: an optional control about the file that flag names, when it names none. */
  'path-flag-unset-optional': (d: { container: string; flag: string }) =>
    `${d.flag} is not set on ${d.container}; the control applies only if it is`,
  'path-not-absolute': (d: { container: string; flag: string; value: string }) =>
    `${d.flag}=${JSON.stringify(d.value)} of ${d.container} is not an absolute path; which file it names cannot be told`,
  'mounts-not-collected': (d: { container: string }) =>
    `the mounts of container ${d.container} were not collected`,
  'path-not-mounted': (d: { container: string; path: string }) =>
    `no mount of container ${d.container} covers ${d.path}: the file is in the container's own filesystem, which rkecis does not read`,
} as const;

export type PathFromProblem = FoundOf<typeof PATH_FROM_MESSAGES>;

/** Where a flag's path is on the host, as read from the container's flags and mounts. */
export interface FromPath {
  /** The path in the container: the flag's value, or the control's default. */
  containerPath: string;
  /** The host path the container sees there. */
  hostPath: string;
}

const clean = (p: string): string => {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
};

/**
 * The host path a container's path is, through its mounts: the mount with the longest
 * destination that holds the path. Undefined when none does (the file is the container's own).
 * Normalized first, as the container's kernel would read it: `..` climbs in the container.
 */
export function hostPathOf(mounts: readonly Mount[], containerPath: string): string | undefined {
  const path = clean(containerPath);
  let best: { dest: string; source: string } | undefined;
  for (const m of mounts) {
    // A tmpfs (no source) holds nothing of the host's.
    if (!m.source.startsWith('/') || !m.destination.startsWith('/')) continue;
    const dest = clean(m.destination);
    const inside = path === dest || path.startsWith(dest === '/' ? '/' : `${dest}/`);
    if (inside && (best === undefined || dest.length > best.dest.length))
      best = { dest, source: clean(m.source) };
  }
  if (best === undefined) return undefined;
  return clean(posix.join(best.source, path.slice(best.dest.length)));
}

/**
 * The host path of a `from`, on flags and mounts (the engine's and the collector's one rule).
 * `optional`: a flag unset without a default is not-applicable rather than an error.
 */
export function resolveFromFlags(
  from: PathFrom,
  flags: ReadonlyMap<string, string>,
  mounts: readonly Mount[] | undefined,
  optional: boolean,
): FromPath | PathFromProblem {
  const { container, flag } = from;
  const value = flags.get(keyOf(flag)) ?? from.default;
  if (value === undefined)
    return {
      id: optional ? 'path-flag-unset-optional' : 'path-flag-unset',
      data: { container, flag },
    };
  if (!value.startsWith('/')) return { id: 'path-not-absolute', data: { container, flag, value } };
  if (mounts === undefined) return { id: 'mounts-not-collected', data: { container } };
  const hostPath = hostPathOf(mounts, value);
  if (hostPath === undefined)
    return { id: 'path-not-mounted', data: { container, path: clean(value) } };
  return { containerPath: value, hostPath };
}

/** A `from` path's host path on a node's evidence, or why it has none. */
export function resolveFrom(
  ctx: EvalContext,
  from: PathFrom,
  optional: boolean,
):
  | FromPath
  | PathFromProblem
  | ContainerProblem
  | { id: 'flag-in-doubt'; data: { container: string; flag: string; why: string } } {
  const flags: Flags | ContainerProblem = containerFlags(ctx, from.container);
  if (isProblem(flags)) return flags;
  const doubt = flagInDoubt(flags, [keyOf(from.flag)]);
  if (doubt !== undefined)
    return { id: 'flag-in-doubt', data: { container: from.container, ...doubt } };
  const containers = ctx.evidence.containers;
  const c = ownValue(containers, from.container, containers[from.container]);
  const mounts = c?.status === 'present' ? c.mounts : undefined;
  return resolveFromFlags(from, flags, mounts, optional);
}
