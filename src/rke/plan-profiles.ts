import { InputError } from '../base/errors.js';
import { KUBERNETES_MINOR, RKE_VERSION } from './defaults-v0.1.js';

/**
 * The profiles `plan` and `remediate` work with: rkecis knows the container arguments and the
 * cluster.yml keys of RKE v0.1.x (Kubernetes 1.11) only. A profile of a later guide judges the
 * flags and files of another RKE, whose defaults and keys these commands would get wrong, so it
 * is refused rather than planned or remediated as the wrong RKE. A profile is for 1.11 when its
 * `kubernetes` says so: the built-in rke-cis-1.3.0, or a profile folder made for that version.
 */
export const PLAN_PROFILES = ['rke-cis-1.3.0'] as const;

const FOR_PLAN = new RegExp(`^${KUBERNETES_MINOR.replace(/^v/, '').replace('.', '\\.')}(\\.|$)`);

export const planProfilesText = (): string =>
  `${PLAN_PROFILES.join(', ')} and profile folders for Kubernetes ${KUBERNETES_MINOR.replace(/^v/, '')} (RKE ${RKE_VERSION})`;

/** Refuses (exit 2) a profile `plan` or `remediate` does not support. */
export function checkPlanProfile(
  command: 'plan' | 'remediate',
  profile: { name: string; kubernetes: string },
): void {
  if (FOR_PLAN.test(profile.kubernetes.trim())) return;
  throw new InputError(
    `rkecis ${command} supports ${planProfilesText()} only, not profile ${profile.name} (Kubernetes ${profile.kubernetes}): it knows the container arguments and cluster.yml keys of that RKE alone; use scan or evaluate to judge a node of a later version`,
  );
}
