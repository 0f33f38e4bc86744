import type { Profile } from '../profiles/schema.js';
import { kindOf } from './checks/index.js';

/** What a collector must gather so that a profile's controls can be evaluated. */
export interface EvidenceRequirements {
  containers: string[];
  /** Host paths; `entries` asks for the metadata of each entry of a directory, `content` for its text. */
  files: { path: string; entries: boolean; content: boolean }[];
  /** Kubernetes resources to list, by plural name (e.g. podsecuritypolicies). */
  kubernetes: string[];
}

/**
 * Derived from the checks themselves (each kind's `requires`), so a collector reads exactly the
 * files and containers the profile names, once each, and nothing else (secrets in other files
 * never come near it).
 */
export function evidenceRequirements(profile: Profile): EvidenceRequirements {
  const containers = new Set<string>();
  const files = new Map<string, { path: string; entries: boolean; content: boolean }>();
  const kubernetes = new Set<string>();
  const needs = {
    container: (name: string): void => {
      containers.add(name);
    },
    file: (path: string, want: { entries?: boolean; content?: boolean } = {}): void => {
      let f = files.get(path);
      if (f === undefined) {
        f = { path, entries: false, content: false };
        files.set(path, f);
      }
      if (want.entries === true) f.entries = true;
      if (want.content === true) f.content = true;
    },
    kubernetes: (resource: string): void => {
      kubernetes.add(resource);
    },
  };
  for (const { check } of profile.controls) kindOf(check).requires(check, needs);
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    containers: [...containers].sort(byName),
    files: [...files.values()].sort((a, b) => byName(a.path, b.path)),
    kubernetes: [...kubernetes].sort(byName),
  };
}
