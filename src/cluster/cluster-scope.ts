import { evaluate } from '../engine/evaluate.js';
import { EVIDENCE_API_VERSION, EVIDENCE_KIND, type Evidence } from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import type { NodeReport } from '../report/types.js';

export type KubernetesEvidence = NonNullable<Evidence['kubernetes']>;

/** The controls that are about the cluster, not a node (1.6.x practices, 1.7.x policies). */
export const clusterProfile = (profile: Profile): Profile => ({
  ...profile,
  controls: profile.controls.filter((c) => c.role === 'cluster'),
});

/**
 * Evaluates the cluster-scoped controls once, from the cluster's Kubernetes objects (or their
 * absence, which makes the 1.7.x controls errors with the reason). The report names the cluster
 * as its node; as in a node scan, cluster-wide controls go with the controlplane role (so a
 * waiver scoped to controlplane covers them here too).
 */
export function evaluateClusterScope(
  profile: Profile,
  clusterName: string,
  kubernetes: KubernetesEvidence | undefined,
  collectedAt?: string,
): NodeReport {
  return evaluate(clusterProfile(profile), {
    apiVersion: EVIDENCE_API_VERSION,
    kind: EVIDENCE_KIND,
    node: { name: clusterName },
    roles: {
      detected: ['controlplane'],
      source: 'declared',
      reason: 'cluster-scoped controls, evaluated once for the whole cluster',
    },
    ...(collectedAt !== undefined ? { collectedAt } : {}),
    containers: {},
    files: {},
    ...(kubernetes !== undefined ? { kubernetes } : {}),
  });
}

/** How good a node's Kubernetes evidence is for the cluster-scoped controls: every list answered beats an error. */
export function kubernetesQuality(k: KubernetesEvidence | undefined): number {
  if (k === undefined) return 0;
  const all = Object.values(k.resources);
  return all.length > 0 && all.every((r) => r.status !== 'error') ? 2 : 1;
}
