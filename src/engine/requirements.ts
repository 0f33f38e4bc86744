import type { Profile } from '../profiles/schema.js';

/** What a collector must gather so that a profile's controls can be evaluated. */
export interface EvidenceRequirements {
  containers: string[];
  /** Host paths; `entries` asks for the metadata of each entry of a directory, `content` for its text. */
  files: { path: string; entries: boolean; content: boolean }[];
  /** Kubernetes resources to list, by plural name (e.g. podsecuritypolicies). */
  kubernetes: string[];
}

/**
 * Derived from the checks themselves, so a collector reads exactly the files and containers the
 * profile names, once each, and nothing else (secrets in other files never come near it).
 */
export function evidenceRequirements(profile: Profile): EvidenceRequirements {
  const containers = new Set<string>();
  const files = new Map<string, { path: string; entries: boolean; content: boolean }>();
  const kubernetes = new Set<string>();
  const file = (path: string): { path: string; entries: boolean; content: boolean } => {
    let f = files.get(path);
    if (f === undefined) {
      f = { path, entries: false, content: false };
      files.set(path, f);
    }
    return f;
  };
  for (const { check } of profile.controls) {
    switch (check.kind) {
      case 'flag':
      case 'cipher-list':
        containers.add(check.container);
        break;
      case 'file-mode':
      case 'file-owner':
        for (const p of check.paths)
          if (check.target === 'entries') file(p).entries = true;
          else file(p);
        break;
      case 'file-content':
        file(check.path).content = true;
        break;
      case 'k8s-object':
        kubernetes.add(check.resource);
        break;
      case 'fixed':
        if (check.show !== undefined) containers.add(check.show.container);
        break;
    }
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    containers: [...containers].sort(byName),
    files: [...files.values()].sort((a, b) => byName(a.path, b.path)),
    kubernetes: [...kubernetes].sort(byName),
  };
}
