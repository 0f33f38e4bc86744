/**
 * The evidence format's constants, apart from its zod schema (schema.ts) so that code that only
 * names them (the collectors, the cluster merger) does not load zod: importing it costs a CLI
 * run about a tenth of a second.
 */
export const EVIDENCE_API_VERSION = 'rkecis.io/v1';
export const EVIDENCE_KIND = 'NodeEvidence';

export const ROLES = ['controlplane', 'etcd', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The container that marks each RKE role on a node. RKE also runs kubelet and kube-proxy on
 * controlplane and etcd nodes, so every RKE node shows the worker marker: the node's kubelet is
 * real and its worker controls apply to it.
 */
export const ROLE_MARKERS: Record<Role, string> = {
  etcd: 'etcd',
  controlplane: 'kube-apiserver',
  worker: 'kubelet',
};
