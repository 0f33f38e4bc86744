import { VERSION } from '../base/version.js';
import {
  EVIDENCE_API_VERSION,
  EVIDENCE_KIND,
  ROLES,
  type Evidence,
  type Role,
} from '../evidence/schema.js';
import {
  COMPONENTS,
  SERVICE_CONTAINERS,
  type ClusterYml,
  type ComponentName,
  type ServiceKey,
} from './cluster-yml.js';
import {
  CLUSTER_DEFAULTS,
  DEFAULT_KUBERNETES_VERSION,
  defaultBinds,
  ENTRYPOINT,
  ETCD_PATH,
  etcdDefaults,
  hyperkubeImage,
  kubeApiDefaults,
  kubeControllerDefaults,
  kubeletDefaults,
  kubeProxyDefaults,
  RKE_VERSION,
  schedulerDefaults,
  type ComponentContext,
  type ComponentDefaults,
} from './defaults-v0.1.js';

/** One container as RKE would create it on a node. */
export interface PlannedContainer {
  name: ComponentName;
  image: string;
  /** `docker inspect` .Path */
  path: string;
  /** `docker inspect` .Args: the component name (not for etcd), then the flags. */
  args: string[];
  binds: string[];
  /**
   * Flags whose value the plan cannot decide (keyed `--name`, as parseFlags keys them) and why:
   * given under two spellings with different values, which RKE writes in Go map order.
   */
  ambiguous: Record<string, string>;
}

export interface PlannedNode {
  /** hostname_override, else address: the name RKE gives the node. */
  name: string;
  address: string;
  internalAddress: string;
  /** The roles cluster.yml declares. */
  roles: Role[];
  containers: PlannedContainer[];
}

/** Which components RKE runs for a set of roles: kubelet and kube-proxy everywhere. */
export function componentsFor(roles: readonly Role[]): ComponentName[] {
  const out: ComponentName[] = [];
  if (roles.includes('controlplane'))
    out.push('kube-apiserver', 'kube-controller-manager', 'kube-scheduler');
  if (roles.includes('etcd')) out.push('etcd');
  out.push('kubelet', 'kube-proxy');
  return out;
}

const sortedFlags = (flags: Record<string, string>): string[] =>
  Object.keys(flags)
    .sort()
    .map((k) => `--${k}=${flags[k] ?? ''}`);

const DEFAULTS: Record<ComponentName, (c: ComponentContext) => ComponentDefaults> = {
  'kube-apiserver': kubeApiDefaults,
  'kube-controller-manager': kubeControllerDefaults,
  'kube-scheduler': schedulerDefaults,
  kubelet: kubeletDefaults,
  'kube-proxy': kubeProxyDefaults,
  etcd: etcdDefaults,
};

const SERVICE_OF = Object.fromEntries(
  Object.entries(SERVICE_CONTAINERS).map(([k, v]) => [v, k as ServiceKey]),
) as Record<ComponentName, ServiceKey>;

/**
 * The args RKE v0.1.x gives one component on one node: its defaults, `pod_security_policy`
 * applied, then services.<service>.extra_args overriding (RKE: `CommandArgs[arg] = value`), rendered
 * `--name=value` (an extra_args value "" renders `--name=`, as RKE does).
 *
 * RKE keys that map by the name as written, while the components read `_` as `-`: an extra_args
 * `audit_log_path` does not replace RKE's `audit-log-path`, and `audit_log_path` beside
 * `audit-log-path` gives the flag twice. RKE writes the map in Go's random order and the last
 * occurrence wins, so a flag given twice with different values has no value a plan can know.
 */
export function componentArgs(
  cluster: ClusterYml,
  ctx: ComponentContext,
  component: ComponentName,
): { args: string[]; ambiguous: Record<string, string> } {
  const d = DEFAULTS[component](ctx);
  const flags = { ...d.flags };
  const extra = cluster.services?.[SERVICE_OF[component]]?.extra_args ?? {};
  for (const [k, v] of Object.entries(extra)) flags[k] = v;
  const lead = component === 'etcd' ? [] : [component];
  const spellings = new Map<string, string[]>();
  for (const k of Object.keys(flags).sort()) {
    const key = `--${k.replaceAll('_', '-')}`;
    spellings.set(key, [...(spellings.get(key) ?? []), k]);
  }
  const ambiguous: Record<string, string> = {};
  for (const [key, names] of spellings) {
    if (names.length < 2 || new Set(names.map((n) => flags[n])).size < 2) continue;
    const given = names.map(
      (n) =>
        `--${n}=${flags[n] ?? ''} (${Object.hasOwn(extra, n) ? 'extra_args' : "RKE's default"})`,
    );
    ambiguous[key] =
      `${key} is given ${names.length} times with different values, ${given.join(' and ')}: RKE writes its flags in Go map order, which changes from one rke up to the next, and the component takes the last; give it once in services.${SERVICE_OF[component]}.extra_args, spelled ${key.slice(2)}`;
  }
  return { args: [...lead, ...d.before, ...sortedFlags(flags), ...d.after], ambiguous };
}

const nodeName = (n: { hostname_override?: string | null | undefined; address: string }): string =>
  n.hostname_override ?? n.address;

/** The context shared by every node, plus the node's own names. */
function contextFor(cluster: ClusterYml, node: ClusterYml['nodes'][number]): ComponentContext {
  const s = cluster.services;
  const etcdMembers = cluster.nodes
    .filter((n) => n.role.includes('etcd'))
    .map((n) => ({
      hostnameOverride: nodeName(n),
      internalAddress: n.internal_address ?? n.address,
    }));
  return {
    hostnameOverride: nodeName(node),
    internalAddress: node.internal_address ?? node.address,
    address: node.address,
    rbac: (cluster.authorization?.mode ?? 'rbac') === 'rbac',
    podSecurityPolicy: s?.['kube-api']?.pod_security_policy === true,
    cloudProvider: cluster.cloud_provider?.name ?? '',
    serviceClusterIpRange:
      s?.['kube-api']?.service_cluster_ip_range ?? CLUSTER_DEFAULTS.serviceClusterIpRange,
    serviceNodePortRange:
      s?.['kube-api']?.service_node_port_range ?? CLUSTER_DEFAULTS.serviceNodePortRange,
    clusterCidr: s?.['kube-controller']?.cluster_cidr ?? CLUSTER_DEFAULTS.clusterCidr,
    clusterDomain: s?.kubelet?.cluster_domain ?? CLUSTER_DEFAULTS.clusterDomain,
    clusterDnsServer: s?.kubelet?.cluster_dns_server ?? CLUSTER_DEFAULTS.clusterDnsServer,
    infraContainerImage: s?.kubelet?.infra_container_image ?? CLUSTER_DEFAULTS.infraContainerImage,
    failSwapOn: s?.kubelet?.fail_swap_on ?? false,
    etcdMembers,
    externalEtcd: s?.etcd?.external_urls ?? [],
    externalEtcdPath: s?.etcd?.path ?? '/',
    prefixPath: cluster.prefix_path ?? '/',
  };
}

function imageOf(cluster: ClusterYml, component: ComponentName): string {
  const own = cluster.services?.[SERVICE_OF[component]]?.image;
  if (own != null && own !== '') return own;
  if (component === 'etcd') return cluster.system_images?.etcd ?? CLUSTER_DEFAULTS.etcdImage;
  return (
    cluster.system_images?.kubernetes ??
    hyperkubeImage(cluster.kubernetes_version ?? DEFAULT_KUBERNETES_VERSION)
  );
}

/** Every node's containers as RKE v0.1.x would create them. Pure. */
export function planCluster(cluster: ClusterYml): PlannedNode[] {
  const external = (cluster.services?.etcd?.external_urls ?? []).length > 0;
  return cluster.nodes.map((node) => {
    const ctx = contextFor(cluster, node);
    const roles = ROLES.filter((r) => node.role.includes(r));
    const containers = componentsFor(roles)
      .filter((c) => !(c === 'etcd' && external))
      .map((name): PlannedContainer => {
        const { args, ambiguous } = componentArgs(cluster, ctx, name);
        return {
          name,
          image: imageOf(cluster, name),
          path: name === 'etcd' ? ETCD_PATH : ENTRYPOINT,
          args,
          binds: [
            ...defaultBinds(name, ctx.prefixPath),
            ...(cluster.services?.[SERVICE_OF[name]]?.extra_binds ?? []),
          ],
          ambiguous,
        };
      });
    return {
      name: nodeName(node),
      address: node.address,
      internalAddress: ctx.internalAddress,
      roles,
      containers,
    };
  });
}

/**
 * The node's evidence as rkecis would collect it once RKE has deployed the plan: its containers'
 * args (the others absent), no files and no Kubernetes objects (those exist only after deployment).
 * RKE runs kubelet on every node, so, as a scan does, the worker controls apply to every node.
 */
export function planEvidence(node: PlannedNode, source: string): Evidence {
  const containers: Evidence['containers'] = {};
  for (const name of COMPONENTS) containers[name] = { status: 'absent' };
  for (const c of node.containers) {
    containers[c.name] = {
      status: 'present',
      name: c.name,
      image: c.image,
      path: c.path,
      args: c.args,
      state: { status: 'planned', running: false },
    };
  }
  const detected = ROLES.filter((r) => node.roles.includes(r) || r === 'worker');
  const extra = node.roles.includes('worker')
    ? ''
    : '; RKE runs kubelet and kube-proxy on every node, so the worker controls apply too';
  return {
    apiVersion: EVIDENCE_API_VERSION,
    kind: EVIDENCE_KIND,
    node: { name: node.name, hostname: node.name },
    roles: {
      detected,
      source: 'declared',
      reason: `roles declared in ${source}: ${node.roles.join(', ')}${extra}`,
    },
    collector: {
      name: `rkecis plan (RKE ${RKE_VERSION} defaults, Kubernetes 1.11)`,
      version: VERSION,
    },
    containers,
    files: {},
  };
}

/**
 * What RKE itself gives a component on the first node that runs it, before extra_args: the
 * flags of its CommandArgs map (extra_args may change them, not remove them) plus the ones it
 * puts first (etcd's bare booleans: a later extra_args value still wins), and the ones it puts
 * after the map, which extra_args cannot change (the last occurrence of a flag wins).
 */
export function rkeOwnFlags(
  cluster: ClusterYml,
  component: ComponentName,
): { overridable: Set<string>; fixed: Set<string>; defaults: Map<string, string> } | undefined {
  const node = cluster.nodes.find((n) =>
    componentsFor(ROLES.filter((r) => n.role.includes(r))).includes(component),
  );
  if (node === undefined) return undefined;
  const d = DEFAULTS[component](contextFor(cluster, node));
  const defaults = new Map<string, string>();
  const overridable = new Set<string>();
  const fixed = new Set<string>();
  for (const [k, v] of Object.entries(d.flags)) {
    overridable.add(`--${k}`);
    defaults.set(`--${k}`, v);
  }
  const parse = (a: string): [string, string] => {
    const m = /^(--[^=]+)(?:=(.*))?$/.exec(a);
    return [m?.[1] ?? a, m?.[2] ?? 'true'];
  };
  for (const a of d.before) {
    const [k, v] = parse(a);
    overridable.add(k);
    defaults.set(k, v);
  }
  for (const a of d.after) {
    const [k, v] = parse(a);
    fixed.add(k);
    defaults.set(k, v);
  }
  return { overridable, fixed, defaults };
}
