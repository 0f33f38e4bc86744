import type { PathFrom, Profile } from '../profiles/schema.js';
import { kindOf } from './checks/index.js';

/** A file to read: metadata, and its entries' or its content where a check reads them. */
export interface FileWant {
  path: string;
  entries: boolean;
  content: boolean;
}

/** What a collector must gather so that a profile's controls can be evaluated. */
export interface EvidenceRequirements {
  containers: string[];
  /** Containers whose mounts some check reads (paths from flags). */
  mounts: string[];
  /** Per container, the environment variables some check names (sorted): no other is read. */
  env: { container: string; names: string[] }[];
  /** Host paths; `entries` asks for the metadata of each entry of a directory, `content` for its text. */
  files: FileWant[];
  /** Files at paths container flags name: read once the containers are inspected (see derivedFiles). */
  fromFlags: { from: PathFrom; entries: boolean; content: boolean }[];
  /** Kubernetes resources to list, by plural name (e.g. podsecuritypolicies). */
  kubernetes: string[];
}

/** Code-unit order, as the evidence lists names and paths. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Adds a want to a path's, each path once: what any check asks of it is read in one go. */
export function addFileWant(
  files: Map<string, FileWant>,
  path: string,
  want: { entries?: boolean; content?: boolean },
): void {
  let f = files.get(path);
  if (f === undefined) {
    f = { path, entries: false, content: false };
    files.set(path, f);
  }
  if (want.entries === true) f.entries = true;
  if (want.content === true) f.content = true;
}

/**
 * Derived from the checks themselves (each kind's `requires`), so a collector reads exactly the
 * files and containers the profile names, once each, and nothing else (secrets in other files
 * never come near it).
 */
export function evidenceRequirements(profile: Profile): EvidenceRequirements {
  const containers = new Set<string>();
  const mounts = new Set<string>();
  const env = new Map<string, Set<string>>();
  const files = new Map<string, FileWant>();
  const fromFlags = new Map<string, { from: PathFrom; entries: boolean; content: boolean }>();
  const kubernetes = new Set<string>();
  const needs = {
    container: (name: string, want: { mounts?: boolean; env?: readonly string[] } = {}): void => {
      containers.add(name);
      if (want.mounts === true) mounts.add(name);
      if (want.env !== undefined && want.env.length > 0) {
        let names = env.get(name);
        if (names === undefined) env.set(name, (names = new Set()));
        for (const n of want.env) names.add(n);
      }
    },
    file: (path: string, want: { entries?: boolean; content?: boolean } = {}): void => {
      addFileWant(files, path, want);
    },
    fileFrom: (from: PathFrom, want: { entries?: boolean; content?: boolean } = {}): void => {
      containers.add(from.container);
      mounts.add(from.container);
      const key = JSON.stringify([from.container, from.flag, from.default ?? null]);
      let f = fromFlags.get(key);
      if (f === undefined) {
        f = { from, entries: false, content: false };
        fromFlags.set(key, f);
      }
      if (want.entries === true) f.entries = true;
      if (want.content === true) f.content = true;
    },
    kubernetes: (resource: string): void => {
      kubernetes.add(resource);
    },
  };
  for (const { check } of profile.controls) kindOf(check).requires(check, needs);
  return {
    containers: [...containers].sort(byName),
    mounts: [...mounts].sort(byName),
    env: [...env]
      .map(([container, names]) => ({ container, names: [...names].sort(byName) }))
      .sort((a, b) => byName(a.container, b.container)),
    files: [...files.values()].sort((a, b) => byName(a.path, b.path)),
    fromFlags: [...fromFlags.entries()].sort(([a], [b]) => byName(a, b)).map(([, f]) => f),
    kubernetes: [...kubernetes].sort(byName),
  };
}
