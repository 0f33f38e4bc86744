import { own } from './own.js';

/**
 * Resources a profile may list that Kubernetes no longer serves from some version on: then their
 * controls are not applicable. Only the server's version may say so: an API that answers 404 for
 * a kind its version serves (a proxy, a hostile or broken server) has not shown that the kind is
 * gone, and its controls are `error`.
 */
const REMOVED_IN: Record<string, { minor: number; kind: string }> = {
  // PodSecurityPolicy: removed in Kubernetes 1.25.
  podsecuritypolicies: { minor: 25, kind: 'PodSecurityPolicy' },
};

/** `v1.25.3`, `v1.11.5-rancher1`, `1.26+` -> [major, minor]; undefined when it is not a version. */
export function kubernetesMinor(version: string): [number, number] | undefined {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:[.+-]|$)/.exec(version.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

/**
 * Why the server no longer serving `resource` is proven by its version, or why not. `served: false`
 * when the version is 1.N with N at or past the removal; else the reason it is not proven.
 */
export function servedAccordingTo(
  resource: string,
  version: string | undefined,
): { served: false; reason: string } | { served: true | undefined; reason: string } {
  const gone = own(REMOVED_IN, resource);
  if (gone === undefined)
    return {
      served: undefined,
      reason: `rkecis knows of no Kubernetes version without ${resource}`,
    };
  const removed = `${gone.kind} was removed in Kubernetes 1.${gone.minor}`;
  if (version === undefined)
    return {
      served: undefined,
      reason: `the API server's version could not be read, so it is not known to be one without ${gone.kind} (${removed})`,
    };
  const v = kubernetesMinor(version);
  if (v === undefined)
    return {
      served: undefined,
      reason: `the API server's version ${JSON.stringify(version.slice(0, 80))} is not a Kubernetes version (${removed})`,
    };
  if (v[0] > 1 || (v[0] === 1 && v[1] >= gone.minor))
    return { served: false, reason: `the API server runs Kubernetes ${version}: ${removed}` };
  return {
    served: true,
    reason: `the API server reports Kubernetes ${version}, which serves ${gone.kind} (${removed})`,
  };
}
