import type { ContainerEvidence, Mount } from '../evidence/schema.js';

/**
 * A Docker inspect answer reduced to a container's evidence: what the controls read (its
 * arguments, entrypoint, image, state; its mounts and the variables a control names, when asked),
 * and never the rest of its environment. A field that is there but not of its type makes the
 * container's evidence unreadable, never an empty value.
 */

/** What of a container beyond its args some control reads. */
export interface InspectWant {
  mounts?: boolean;
  /** The environment variables named by controls: the only ones ever read. */
  env?: readonly string[];
}

/**
 * The named variables of an inspect's `Config.Env` (`NAME=value` items): name -> value, or null
 * when the container does not set it. The first item of a name wins, as Go's os.Getenv reads a
 * process's environment (etcd is a Go program). Every other item is dropped here, unread.
 */
function namedEnv(env: unknown, names: readonly string[]): Record<string, string | null> | string {
  if (env !== null && env !== undefined && !Array.isArray(env))
    return `the answer's Config.Env is ${typeName(env)}, not a list; the container's environment cannot be read`;
  const out = Object.create(null) as Record<string, string | null>;
  for (const n of names) out[n] = null;
  // The engine answers null for a container without any variable.
  for (const item of (env ?? []) as unknown[]) {
    if (typeof item !== 'string')
      return `an item of the answer's Config.Env is ${typeName(item)}, not NAME=value; the container's environment cannot be read`;
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (Object.hasOwn(out, name) && out[name] === null && eq >= 0) out[name] = item.slice(eq + 1);
  }
  return out;
}

/** The inspect's mounts: type, source, destination and rw of each (nothing else). */
function mountsOf(mounts: unknown): Mount[] | string {
  if (!Array.isArray(mounts))
    return `the answer's Mounts is ${typeName(mounts)}, not a list; the container's mounts cannot be read`;
  const out: Mount[] = [];
  for (const [i, m] of (mounts as unknown[]).entries()) {
    const r = (m ?? {}) as {
      Type?: unknown;
      Source?: unknown;
      Destination?: unknown;
      RW?: unknown;
    };
    if (
      typeof r.Type !== 'string' ||
      typeof r.Source !== 'string' ||
      typeof r.Destination !== 'string' ||
      typeof r.RW !== 'boolean'
    )
      return `the answer's Mounts[${i}] has no Type, Source, Destination and RW; the container's mounts cannot be read`;
    out.push({ type: r.Type, source: r.Source, destination: r.Destination, rw: r.RW });
  }
  return out;
}

/**
 * Picks the fields controls read, or says why the answer cannot be read. Anything else, Env above
 * all (but the variables named in `want`), is dropped here. A field a control reads that is
 * missing or of another type is unreadable evidence, not an empty one: `"Args": null` is not "no
 * arguments" (every RKE component has them).
 */
export function reduceInspect(data: unknown, want: InspectWant = {}): ContainerEvidence | string {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return 'the engine answered something that is not inspect JSON';
  const d = data as {
    Id?: unknown;
    Name?: unknown;
    Path?: unknown;
    Args?: unknown;
    Config?: { Image?: unknown; Env?: unknown } | null;
    State?: { Status?: unknown; Running?: unknown } | null;
    Mounts?: unknown;
  };
  const args = d.Args;
  if (!Array.isArray(args))
    return `the answer's Args is ${typeName(args)}, not a list of arguments; the container's arguments cannot be read`;
  const odd = args.findIndex((a) => typeof a !== 'string');
  if (odd >= 0)
    return `the answer's Args[${odd}] is ${typeName(args[odd])}, not a string; the container's arguments cannot be read`;
  if (typeof d.Path !== 'string')
    return `the answer's Path is ${typeName(d.Path)}, not a string (the entrypoint)`;
  if (typeof d.State?.Status !== 'string' || typeof d.State.Running !== 'boolean')
    return "the answer's State has no Status and Running; the container's state cannot be read";
  const mounts = want.mounts === true ? mountsOf(d.Mounts) : undefined;
  if (typeof mounts === 'string') return mounts;
  const env =
    want.env !== undefined && want.env.length > 0 ? namedEnv(d.Config?.Env, want.env) : undefined;
  if (typeof env === 'string') return env;
  return {
    status: 'present',
    ...(typeof d.Id === 'string' ? { id: d.Id } : {}),
    // The API names containers with a leading slash ("/kube-apiserver").
    ...(typeof d.Name === 'string' ? { name: d.Name.replace(/^\//, '') } : {}),
    image: typeof d.Config?.Image === 'string' ? d.Config.Image : '',
    path: d.Path,
    args: [...(args as string[])],
    state: { status: d.State.Status, running: d.State.Running },
    ...(mounts !== undefined ? { mounts } : {}),
    ...(env !== undefined ? { env } : {}),
  };
}

/** A JSON value's type, as a message names it. */
function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
