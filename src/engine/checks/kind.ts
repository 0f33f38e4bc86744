import type { Check, CheckKind, PathFrom, ValueTest } from '../../profiles/schema.js';
import type { Status } from '../../report/types.js';
import type { EvalContext, Found, Verdict } from '../verdict.js';

/** The check of one kind, as the profile format defines it. */
export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

/**
 * A kind's messages (stylelint's `messages`): for each found id, the text of `actual` from the
 * found data. The text and the tests share this one source.
 */
export type Messages = Readonly<Record<string, (data: never) => string>>;

/** The data a message takes (an empty record for a message of none). */
export type DataOf<M extends Messages, I extends keyof M> =
  Parameters<M[I]> extends [infer D, ...unknown[]] ? D : Readonly<Record<string, never>>;

/** A found value of one of these messages: its id and the data its text is made from. */
export type FoundOf<M extends Messages> = {
  [I in keyof M & string]: { id: I; data: DataOf<M, I> };
}[keyof M & string];

/** What a collector must gather for a check; requirements.ts asks every check of a profile. */
export interface EvidenceNeeds {
  /**
   * A container's inspect data (its args); with `mounts`, its mounts; with `env`, these of its
   * environment variables (and no other: the environment holds secrets).
   */
  container(name: string, want?: { mounts?: boolean; env?: readonly string[] }): void;
  /** A host path's metadata; with `entries`, that of each entry of the directory; with `content`, its text. */
  file(path: string, want?: { entries?: boolean; content?: boolean }): void;
  /**
   * The host file at the path a container's flag names (or its default), mapped through the
   * container's mounts: known only once the container is inspected.
   */
  fileFrom(from: PathFrom, want?: { entries?: boolean; content?: boolean }): void;
  /** A Kubernetes resource's objects, by plural name (podsecuritypolicies). */
  kubernetes(resource: string): void;
}

/**
 * What a deployment must provide, beyond its containers' args, for a control to pass: what a
 * plan (which knows the args alone) says of a control that only the deployed node or the
 * Kubernetes API can answer. Free of any one installer: rke/ says what RKE does about it.
 */
export type DeploymentNeed =
  | { what: 'files'; paths: readonly string[]; entries: boolean; want: string }
  | { what: 'file-content'; path: string; want: string }
  | { what: 'k8s-object'; resource: string; name: string; want: string }
  | { what: 'k8s-objects'; resources: readonly string[]; want: string };

/** A container's flags while a fix is worked out: flag (`--name`) -> value; a missing key is unset. */
export type FlagState = Map<string, string>;

/** What the deployment lets a fix do to a container's flags. */
export interface FlagLimits {
  /** Flags the deployment gives itself and puts last: a fix cannot change them. */
  fixed: ReadonlySet<string>;
  /** Flags the deployment always gives: a fix can change their value but not remove them. */
  overridable: ReadonlySet<string>;
  /** The deployment's own value of each flag, a candidate when the current one fails. */
  defaults: ReadonlyMap<string, string>;
  /** A value to try first for a flag (a hardening guide's), if any. */
  preferred?(flag: string): string | undefined;
}

/**
 * How a failed control is fixed, free of any one installer (rke/ maps it onto cluster.yml edits,
 * host scripts and manifests), or why a person must do it.
 */
export type FixIntent =
  | {
      to: 'flags';
      container: string;
      /** Every flag the check reads (`--name`). */
      flags: readonly string[];
      /** Changes the state so the check passes, within the limits; false (state unchanged) when no change can. */
      solve(state: FlagState, limits: FlagLimits): boolean;
    }
  | { to: 'file-mode'; paths: readonly string[]; entries: boolean; max: string }
  | { to: 'file-owner'; paths: readonly string[]; entries: boolean; user: string; group: string }
  | { to: 'file-content'; path: string; select: string; test: ValueTest }
  | { to: 'k8s-object'; resource: string; name: string }
  | { to: 'person'; reason: string };

/**
 * One check kind, whole: every part a kind must have. The registry (index.ts) holds one for each
 * kind the profile format defines, so a kind without a module, or a module without a part, does
 * not compile.
 */
export interface KindModule<C extends Check> {
  /** The text of each found id its verdicts give. */
  readonly messages: Messages;
  /** The verdict on a node's evidence. Pure; runs for every control of every node. */
  evaluate(check: C, ctx: EvalContext): Verdict;
  /** The evidence it reads, which the collectors then fetch (and nothing else). */
  requires(check: C, needs: EvidenceNeeds): void;
  /**
   * How a plan treats it: `args` when the containers' args decide it (a plan knows them), else
   * what the deployment must provide, which only the deployed node can show.
   */
  plan(check: C): 'args' | DeploymentNeed;
  /**
   * How a verdict that is not a pass is fixed. Undefined when there is nothing to fix because
   * nothing was judged: an `error` whose evidence could not be had (except where the evidence
   * says what to fix, such as a file that does not exist).
   */
  fix(check: C, verdict: { status: string; found?: Found | undefined }): FixIntent | undefined;
}

/** A kind module, checked whole where it is written. */
export const defineKind = <K extends CheckKind>(
  module: KindModule<CheckOf<K>>,
): KindModule<CheckOf<K>> => module;

/**
 * A kind's verdict maker: the verdict's `actual` is its message's text of the data, and `found`
 * the id and data. An error's reason is that text too.
 */
export function verdictsOf<M extends Messages>(messages: M) {
  return <I extends keyof M & string>(
    status: Status,
    expected: string,
    id: I,
    data: DataOf<M, I>,
    reason?: string,
  ): Verdict => {
    const actual = (messages[id] as (d: DataOf<M, I>) => string)(data);
    return {
      status,
      actual,
      expected,
      reason: status === 'error' ? actual : reason,
      found: { id, data: data as Found['data'] },
    };
  };
}

/**
 * Sets a key of found data keyed by names from evidence or profiles (paths, fields): a key such
 * as `__proto__` becomes a key like any other, not the record's prototype. Records stay plain
 * objects, which are cheap to make and fill on every node (a record without a prototype is not).
 */
export function setData<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else record[key] = value;
}
