/**
 * The Kubernetes resources a profile may name, and where the API serves each (newest API first:
 * the collector lists the first that answers). Secrets and ConfigMaps are not here: rkecis never
 * lists them. The profile format refuses any other name, so a control can never need a list the
 * collectors cannot fetch.
 */
export interface KubernetesResource {
  /** `v1` for the core API (/api/v1), else `group/version` (/apis/group/version). */
  groupVersions: readonly string[];
  namespaced: boolean;
  /** The object kind (`PodSecurityPolicy`); its list is `<kind>List`. */
  kind: string;
}

const core = (kind: string): KubernetesResource => ({
  groupVersions: ['v1'],
  namespaced: true,
  kind,
});
const rbac = (kind: string, namespaced: boolean): KubernetesResource => ({
  // RBAC v1 since Kubernetes 1.8; v1beta1 for older servers, removed in 1.22.
  groupVersions: ['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1'],
  namespaced,
  kind,
});
const apps = (kind: string): KubernetesResource => ({
  // apps/v1 since Kubernetes 1.9; extensions/v1beta1 served them until 1.16.
  groupVersions: ['apps/v1', 'extensions/v1beta1'],
  namespaced: true,
  kind,
});

export const KUBERNETES_RESOURCES = {
  namespaces: { groupVersions: ['v1'], namespaced: false, kind: 'Namespace' },
  serviceaccounts: core('ServiceAccount'),
  pods: core('Pod'),
  services: core('Service'),
  replicationcontrollers: core('ReplicationController'),
  clusterroles: rbac('ClusterRole', false),
  clusterrolebindings: rbac('ClusterRoleBinding', false),
  roles: rbac('Role', true),
  rolebindings: rbac('RoleBinding', true),
  networkpolicies: {
    groupVersions: ['networking.k8s.io/v1', 'extensions/v1beta1'],
    namespaced: true,
    kind: 'NetworkPolicy',
  },
  daemonsets: apps('DaemonSet'),
  deployments: apps('Deployment'),
  replicasets: apps('ReplicaSet'),
  statefulsets: { groupVersions: ['apps/v1'], namespaced: true, kind: 'StatefulSet' },
  horizontalpodautoscalers: {
    groupVersions: ['autoscaling/v2', 'autoscaling/v1'],
    namespaced: true,
    kind: 'HorizontalPodAutoscaler',
  },
  cronjobs: {
    // batch/v1 from Kubernetes 1.21; batch/v1beta1 before (removed in 1.25).
    groupVersions: ['batch/v1', 'batch/v1beta1'],
    namespaced: true,
    kind: 'CronJob',
  },
  jobs: { groupVersions: ['batch/v1'], namespaced: true, kind: 'Job' },
  // Moved from extensions/v1beta1 to policy/v1beta1 (Kubernetes 1.10); removed in 1.25.
  podsecuritypolicies: {
    groupVersions: ['policy/v1beta1', 'extensions/v1beta1'],
    namespaced: false,
    kind: 'PodSecurityPolicy',
  },
} as const satisfies Record<string, KubernetesResource>;

export type ResourceName = keyof typeof KUBERNETES_RESOURCES;
export const RESOURCE_NAMES = Object.keys(KUBERNETES_RESOURCES) as ResourceName[];

export const resourceOf = (name: string): KubernetesResource | undefined =>
  Object.hasOwn(KUBERNETES_RESOURCES, name)
    ? KUBERNETES_RESOURCES[name as ResourceName]
    : undefined;

/**
 * Parts of an object the collector never keeps, so a check may not read them: the object's
 * `status` (large, and no control reads it), containers' environment (`env`, `envFrom`: values
 * that may be secrets), and the data of anything that holds some. A test on a field under one of
 * these would see it "not set" on every object: the profile format refuses it instead.
 */
export const POD_SPEC_PATHS = ['spec', 'spec.template.spec', 'spec.jobTemplate.spec.template.spec'];
export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
export const CONTAINER_SECRETS = ['env', 'envFrom'];
export const TOP_LEVEL_DROPPED = ['status', 'data', 'stringData', 'binaryData'];

/** Why a field path (select.ts's language) reads something never collected, if it does. */
export function uncollectedField(field: string): string | undefined {
  const steps = field.split('.');
  const top = steps[0] ?? '';
  if (TOP_LEVEL_DROPPED.includes(top))
    return `${top} is never collected (rkecis keeps no object status and no data)`;
  if (steps[1] === 'managedFields' && top === 'metadata')
    return 'metadata.managedFields is never collected';
  // containers.<index or *>.env under any pod spec.
  for (let i = 0; i + 2 < steps.length; i++) {
    if (
      CONTAINER_LISTS.includes(steps[i] ?? '') &&
      CONTAINER_SECRETS.includes(steps[i + 2] ?? '')
    )
      return `containers' environment (${steps[i + 2] ?? ''}) is never collected: it may hold secrets`;
  }
  return undefined;
}
