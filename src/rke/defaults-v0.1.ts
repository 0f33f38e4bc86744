/**
 * What RKE v0.1.x (v0.1.11, the release of the Rancher v2.1 guides) gives each Kubernetes 1.11
 * component container, before the user's `extra_args`. Sources: rancher/rke v0.1.x
 * cluster/plan.go (Build*Process) and rancher/types K8sVersionServiceOptions["v1.11"], as gathered
 * in docs/rke-facts.md. RKE builds the flags from a Go map, so their order on a node is random;
 * rkecis renders them sorted.
 */

/** The RKE version whose defaults this module holds. */
export const RKE_VERSION = 'v0.1.11';
/** RKE v0.1.11's default `kubernetes_version`. */
export const DEFAULT_KUBERNETES_VERSION = 'v1.11.3-rancher1-1';
/** The Kubernetes minor version these defaults are for. */
export const KUBERNETES_MINOR = 'v1.11';

/** RKE's `kubernetes_version` for 1.11: v1.11.<patch>-rancher<n>-<m> (the suffix optional). */
export const SUPPORTED_VERSION = /^v1\.11\.\d+(-rancher\d+(-\d+)?)?$/;

/** The minor version ("v1.13") of a kubernetes_version or image tag, if it has one. */
export function minorOf(version: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:[.-]|$)/.exec(version);
  return m === null ? undefined : `v${m[1] ?? ''}.${m[2] ?? ''}`;
}

export const SSL = '/etc/kubernetes/ssl';
export const certPath = (name: string): string => `${SSL}/${name}.pem`;
export const keyPath = (name: string): string => `${SSL}/${name}-key.pem`;
export const kubeconfigPath = (name: string): string => `${SSL}/kubecfg-${name}.yaml`;

/** RKE's entrypoint for the Kubernetes components (`docker inspect` .Path). */
export const ENTRYPOINT = '/opt/rke-tools/entrypoint.sh';
/** etcd runs its own binary: RKE passes it as the first element of Cmd. */
export const ETCD_PATH = '/usr/local/bin/etcd';

/** The admission plugins RKE v0.1.x enables for 1.11 (K8sVersionServiceOptions["v1.11"]). */
export const DEFAULT_ADMISSION_PLUGINS = [
  'ServiceAccount',
  'NamespaceLifecycle',
  'LimitRanger',
  'PersistentVolumeLabel',
  'DefaultStorageClass',
  'ResourceQuota',
  'DefaultTolerationSeconds',
];

/** K8sVersionServiceOptions["v1.11"] sets these suites on kube-apiserver and kubelet. */
export const DEFAULT_TLS_CIPHER_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
].join(',');

/** Cluster-level settings RKE defaults when cluster.yml leaves them out. */
export const CLUSTER_DEFAULTS = {
  serviceClusterIpRange: '10.43.0.0/16',
  serviceNodePortRange: '30000-32767',
  clusterCidr: '10.42.0.0/16',
  clusterDomain: 'cluster.local',
  clusterDnsServer: '10.43.0.10',
  infraContainerImage: 'rancher/pause-amd64:3.1',
  etcdImage: 'rancher/coreos-etcd:v3.2.18',
} as const;

/** The hyperkube image of a kubernetes_version: v1.11.3-rancher1-1 -> rancher/hyperkube:v1.11.3-rancher1. */
export function hyperkubeImage(kubernetesVersion: string): string {
  return `rancher/hyperkube:${kubernetesVersion.replace(/-\d+$/, '')}`;
}

/** Inputs the per-component defaults depend on, resolved from cluster.yml. */
export interface ComponentContext {
  /** The node's address as RKE uses it for names (hostname_override, else address). */
  hostnameOverride: string;
  /** internal_address, else address. */
  internalAddress: string;
  address: string;
  /** `authorization.mode` is rbac (the default). */
  rbac: boolean;
  podSecurityPolicy: boolean;
  cloudProvider: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  clusterCidr: string;
  clusterDomain: string;
  clusterDnsServer: string;
  infraContainerImage: string;
  failSwapOn: boolean;
  /** etcd members: hostname override and internal address of each etcd node. */
  etcdMembers: { hostnameOverride: string; internalAddress: string }[];
  /** services.etcd.external_urls, when the cluster uses an external etcd. */
  externalEtcd: string[];
  externalEtcdPath: string;
  prefixPath: string;
}

/**
 * One component's arguments before extra_args: `flags` is RKE's CommandArgs map (extra_args
 * override it), `before`/`after` are arguments RKE adds outside that map, which extra_args cannot
 * change (etcd's bare booleans first, kube-apiserver's etcd connection flags last).
 */
export interface ComponentDefaults {
  flags: Record<string, string>;
  before: string[];
  after: string[];
}

const join = (...parts: string[]): string => parts.join('').replace(/\/{2,}/g, '/');

export function kubeApiDefaults(c: ComponentContext): ComponentDefaults {
  const flags: Record<string, string> = {
    'insecure-bind-address': '127.0.0.1',
    'bind-address': '0.0.0.0',
    'insecure-port': '0',
    'secure-port': '6443',
    'cloud-provider': c.cloudProvider,
    'allow-privileged': 'true',
    'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
    'service-cluster-ip-range': c.serviceClusterIpRange,
    'service-node-port-range': c.serviceNodePortRange,
    'storage-backend': 'etcd3',
    'client-ca-file': certPath('kube-ca'),
    'tls-cert-file': certPath('kube-apiserver'),
    'tls-private-key-file': keyPath('kube-apiserver'),
    'kubelet-client-certificate': certPath('kube-apiserver'),
    'kubelet-client-key': keyPath('kube-apiserver'),
    'service-account-key-file': keyPath('kube-apiserver'),
    'requestheader-client-ca-file': certPath('kube-apiserver-requestheader-ca'),
    'requestheader-allowed-names': 'kube-apiserver-proxy-client',
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-username-headers': 'X-Remote-User',
    'proxy-client-cert-file': certPath('kube-apiserver-proxy-client'),
    'proxy-client-key-file': keyPath('kube-apiserver-proxy-client'),
    // K8sVersionServiceOptions["v1.11"]
    'tls-cipher-suites': DEFAULT_TLS_CIPHER_SUITES,
    'enable-admission-plugins': DEFAULT_ADMISSION_PLUGINS.join(','),
  };
  if (c.cloudProvider !== '') flags['cloud-config'] = '/etc/kubernetes/cloud-config.json';
  if (c.rbac) flags['authorization-mode'] = 'Node,RBAC';
  if (c.podSecurityPolicy) {
    flags['runtime-config'] = 'extensions/v1beta1/podsecuritypolicy=true';
    flags['enable-admission-plugins'] =
      `${flags['enable-admission-plugins'] ?? ''},PodSecurityPolicy`;
  }
  const external = c.externalEtcd.length > 0;
  const after = [
    `--etcd-cafile=${certPath(external ? 'kube-etcd-client-ca' : 'kube-ca')}`,
    `--etcd-certfile=${certPath(external ? 'kube-etcd-client' : 'kube-node')}`,
    `--etcd-keyfile=${keyPath(external ? 'kube-etcd-client' : 'kube-node')}`,
    `--etcd-servers=${
      external
        ? c.externalEtcd.join(',')
        : c.etcdMembers.map((m) => `https://${m.internalAddress}:2379`).join(',')
    }`,
    `--etcd-prefix=${external ? c.externalEtcdPath : '/registry'}`,
  ];
  return { flags, before: [], after };
}

export function kubeControllerDefaults(c: ComponentContext): ComponentDefaults {
  const flags: Record<string, string> = {
    address: '0.0.0.0',
    'cloud-provider': c.cloudProvider,
    'allow-untagged-cloud': 'true',
    'configure-cloud-routes': 'false',
    'leader-elect': 'true',
    kubeconfig: kubeconfigPath('kube-controller-manager'),
    'enable-hostpath-provisioner': 'false',
    'node-monitor-grace-period': '40s',
    'pod-eviction-timeout': '5m0s',
    v: '2',
    'allocate-node-cidrs': 'true',
    'cluster-cidr': c.clusterCidr,
    'service-cluster-ip-range': c.serviceClusterIpRange,
    'service-account-private-key-file': keyPath('kube-apiserver'),
    'root-ca-file': certPath('kube-ca'),
  };
  if (c.cloudProvider !== '') flags['cloud-config'] = '/etc/kubernetes/cloud-config.json';
  // RKE passes this one in Cmd, after the map's flags, under RBAC.
  const after = c.rbac ? ['--use-service-account-credentials=true'] : [];
  return { flags, before: [], after };
}

export function schedulerDefaults(): ComponentDefaults {
  return {
    flags: {
      'leader-elect': 'true',
      v: '2',
      address: '0.0.0.0',
      kubeconfig: kubeconfigPath('kube-scheduler'),
    },
    before: [],
    after: [],
  };
}

export function kubeletDefaults(c: ComponentContext): ComponentDefaults {
  const flags: Record<string, string> = {
    v: '2',
    address: '0.0.0.0',
    'cadvisor-port': '0',
    'read-only-port': '0',
    'cluster-domain': c.clusterDomain,
    'pod-infra-container-image': c.infraContainerImage,
    'cgroups-per-qos': 'True',
    'enforce-node-allocatable': '',
    'hostname-override': c.hostnameOverride,
    'cluster-dns': c.clusterDnsServer,
    'network-plugin': 'cni',
    'cni-conf-dir': '/etc/cni/net.d',
    'cni-bin-dir': '/opt/cni/bin',
    'resolv-conf': '/etc/resolv.conf',
    'allow-privileged': 'true',
    'cloud-provider': c.cloudProvider,
    kubeconfig: kubeconfigPath('kube-node'),
    'client-ca-file': certPath('kube-ca'),
    'anonymous-auth': 'false',
    'volume-plugin-dir': '/var/lib/kubelet/volumeplugins',
    'fail-swap-on': String(c.failSwapOn),
    'root-dir': join(c.prefixPath, '/var/lib/kubelet'),
    // K8sVersionServiceOptions["v1.11"]
    'tls-cipher-suites': DEFAULT_TLS_CIPHER_SUITES,
  };
  if (c.address !== c.internalAddress) flags['node-ip'] = c.internalAddress;
  if (c.cloudProvider !== '') flags['cloud-config'] = '/etc/kubernetes/cloud-config.json';
  return { flags, before: [], after: [] };
}

export function kubeProxyDefaults(): ComponentDefaults {
  return {
    flags: {
      v: '2',
      'healthz-bind-address': '0.0.0.0',
      kubeconfig: kubeconfigPath('kube-proxy'),
    },
    before: [],
    after: [],
  };
}

/** etcd's certificate name: kube-etcd-<internal address with dots and colons as dashes>. */
export const etcdCertName = (internalAddress: string): string =>
  `kube-etcd-${internalAddress.replace(/[.:]/g, '-')}`;

export function etcdDefaults(c: ComponentContext): ComponentDefaults {
  const cert = etcdCertName(c.internalAddress);
  const flags: Record<string, string> = {
    name: `etcd-${c.hostnameOverride}`,
    'data-dir': '/var/lib/rancher/etcd/',
    'advertise-client-urls': `https://${c.internalAddress}:2379,https://${c.internalAddress}:4001`,
    'listen-client-urls': 'https://0.0.0.0:2379',
    'initial-advertise-peer-urls': `https://${c.internalAddress}:2380`,
    'listen-peer-urls': 'https://0.0.0.0:2380',
    'initial-cluster-token': 'etcd-cluster-1',
    'initial-cluster': c.etcdMembers
      .map((m) => `etcd-${m.hostnameOverride}=https://${m.internalAddress}:2380`)
      .join(','),
    'initial-cluster-state': 'new',
    'trusted-ca-file': certPath('kube-ca'),
    'peer-trusted-ca-file': certPath('kube-ca'),
    'cert-file': certPath(cert),
    'key-file': keyPath(cert),
    'peer-cert-file': certPath(cert),
    'peer-key-file': keyPath(cert),
  };
  // RKE gives these two bare, before the map's flags.
  return { flags, before: ['--peer-client-cert-auth', '--client-cert-auth'], after: [] };
}

/** Host directories RKE binds into each component (for the plan's record; not evaluated). */
export function defaultBinds(component: string, prefixPath: string): string[] {
  const etc = `${join(prefixPath, '/etc/kubernetes')}:/etc/kubernetes:z`;
  switch (component) {
    case 'etcd':
      return [`${join(prefixPath, '/var/lib/etcd')}:/var/lib/rancher/etcd:z`, etc];
    case 'kubelet':
      return [
        etc,
        '/etc/cni:/etc/cni:ro,z',
        '/opt/cni:/opt/cni:ro,z',
        `${join(prefixPath, '/var/lib/cni')}:/var/lib/cni:z`,
        '/etc/resolv.conf:/etc/resolv.conf',
        '/sys:/sys:rprivate',
        `${join(prefixPath, '/var/lib/kubelet')}:${join(prefixPath, '/var/lib/kubelet')}:shared,z`,
        '/var/run:/var/run:rw,rprivate',
        '/run:/run:rprivate',
      ];
    default:
      return [etc];
  }
}
