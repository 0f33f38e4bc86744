import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../base/errors.js';
import { bundleRoles, declaredRoles } from '../collect/collect.js';
import { readEvidence } from '../evidence/read.js';
import type { Evidence, Role } from '../evidence/schema.js';
import type { NotScannedNode } from '../report/types.js';
import { systemReason } from '../text/system-error.js';
import { kubernetesQuality, type KubernetesEvidence } from './cluster-scope.js';

export type BundleRead = { file: string; evidence: Evidence } | { file: string; problem: string };

/** The bundle files of a folder: its `*.json` files, by name. Not recursive. */
export function bundleFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(`--bundles ${dir}: not a folder`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`--bundles ${dir}: ${systemReason(e, 'no such folder')}`);
  }
  const files = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
  if (files.length === 0) {
    throw new InputError(
      `--bundles ${dir}: no *.json bundles in it (write them with rkecis collect --output DIR/NODE.json)`,
    );
  }
  return files;
}

/**
 * Reads the bundles one at a time (a fleet's bundles never all sit in memory). A file that is
 * not a valid bundle is handed over with the reason: the cluster report lists it by name as a
 * node that was not scanned, and the other bundles are still merged.
 */
export function* readBundles(files: readonly string[]): Generator<BundleRead> {
  for (const file of files) {
    try {
      yield { file, evidence: readEvidence(file) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The message starts with the file's path; the report names the file already.
      const msg = e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
      yield { file, problem: msg };
    }
  }
}

/** The name a bundle is listed under when it cannot be read: its file name without .json. */
export const bundleLabel = (file: string): string => basename(file).replace(/\.json$/, '');

/** A node of the cluster as its source gives it: evidence to judge, or why there is none. */
export type NodeOutcome =
  { source: string; evidence: Evidence } | { source: string; notScanned: NotScannedNode };

/** The Kubernetes objects a bundle holds, and where they come from. */
export interface BundleKubernetes {
  evidence: KubernetesEvidence;
  from: string;
  collectedAt: string | undefined;
}

/**
 * The bundles of a folder as the cluster's nodes, one at a time. As over SSH, a node is judged
 * for the roles cluster.yml declares (`declared`, by node name) and those its containers show;
 * without cluster.yml, for the bundle's roles and its containers'. Two bundles of one node are
 * bad input. `kubernetes()` then gives the objects of the bundle whose lists all answered, the
 * newest: the cluster-scoped controls are judged on them.
 */
export function clusterBundles(
  files: readonly string[],
  declared: ReadonlyMap<string, Role[]>,
): {
  nodes: Generator<NodeOutcome, void, undefined>;
  kubernetes: () => BundleKubernetes | undefined;
} {
  let best: { k: KubernetesEvidence; quality: number; at: string; from: string } | undefined;
  function* nodes(): Generator<NodeOutcome, void, undefined> {
    const seen = new Map<string, string>();
    for (const b of readBundles(files)) {
      if ('problem' in b) {
        const notScanned = {
          name: bundleLabel(b.file),
          roles: [],
          source: b.file,
          reason: b.problem,
        };
        yield { source: b.file, notScanned };
        continue;
      }
      let ev = b.evidence;
      const first = seen.get(ev.node.name);
      if (first !== undefined) {
        throw new InputError(
          `${b.file}: node ${ev.node.name} already has a bundle (${first}); keep one bundle per node`,
        );
      }
      seen.set(ev.node.name, b.file);
      const roles = declared.get(ev.node.name);
      ev = {
        ...ev,
        roles: roles !== undefined ? declaredRoles(ev.containers, roles) : bundleRoles(ev),
      };
      const quality = kubernetesQuality(ev.kubernetes);
      const at = ev.collectedAt ?? '';
      if (
        ev.kubernetes !== undefined &&
        (best === undefined || quality > best.quality || (quality === best.quality && at > best.at))
      ) {
        best = { k: ev.kubernetes, quality, at, from: `bundle ${b.file} (node ${ev.node.name})` };
      }
      yield { source: b.file, evidence: ev };
    }
  }
  return {
    nodes: nodes(),
    kubernetes: () =>
      best === undefined
        ? undefined
        : { evidence: best.k, from: best.from, collectedAt: best.at !== '' ? best.at : undefined },
  };
}
