/**
 * Reading a Kubernetes version from what a node shows: the API server's `gitVersion`
 * (`v1.15.12`), an RKE component image's tag (`rancher/hyperkube:v1.15.12-rancher2`), or RKE's
 * `kubernetes_version` (`v1.15.12-rancher2-1`). The profile a node is judged by follows from it,
 * so anything that is not plainly one of those shapes reads as no version at all, never as a
 * guess: `v1.15.x-rancher1-weird` is not 1.15.
 */

export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
  /** The text it was read from, trimmed. */
  text: string;
}

/**
 * `v1.15.12`, `1.15.12`, `v1.15.12-rancher2` (Rancher's builds), `v1.15.12-rancher2-1` (RKE's
 * system-image revision), and upstream pre-releases (`v1.27.0-rc.1`). Nothing else: no missing
 * patch, no other suffix, no build metadata from other distributions (`+k3s1`, `-eks-...`).
 */
const VERSION =
  /^v?(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,3})(?:-rancher\d{1,3}(?:-\d{1,3})?|-(?:alpha|beta|rc)\.\d{1,3})?$/;

export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const t = text.trim();
  const m = VERSION.exec(t);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: t };
}

/** `v1.15.12` of a parsed version: its Kubernetes release without Rancher's build suffix. */
export const releaseOf = (v: KubernetesVersion): string => `v${v.major}.${v.minor}.${v.patch}`;

/**
 * The images RKE runs the Kubernetes components from: `rancher/hyperkube` for every RKE1 release
 * (Kubernetes 1.24 and later too, with cri-dockerd beside the kubelet), and the upstream
 * per-component images a custom system image may name instead.
 */
export const KUBERNETES_IMAGE_NAMES: readonly string[] = [
  'hyperkube',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
];

/**
 * What an image reference says of the Kubernetes version: `none` when the image is not a
 * Kubernetes component's (etcd, rke-tools, an image ID), else the tag and its version (undefined
 * when the tag is missing or not a version). A registry host with a port
 * (`registry.local:5000/rancher/hyperkube:v1.15.12-rancher2`) and a digest (`@sha256:...`) are
 * read as Docker reads them.
 */
export function imageVersion(
  image: string,
): { kind: 'none' } | { kind: 'kubernetes'; tag: string | undefined; version: KubernetesVersion | undefined } {
  const ref = image.trim().split('@')[0] ?? '';
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  const name = colon < 0 ? last : last.slice(0, colon);
  if (!KUBERNETES_IMAGE_NAMES.includes(name)) return { kind: 'none' };
  const tag = colon < 0 ? undefined : last.slice(colon + 1);
  return { kind: 'kubernetes', tag, version: tag === undefined ? undefined : parseKubernetesVersion(tag) };
}

/** RKE's containers of the Kubernetes components, whose images carry the version. */
export const KUBERNETES_COMPONENTS: readonly string[] = [
  'kube-apiserver',
  'kubelet',
  'kube-proxy',
  'kube-controller-manager',
  'kube-scheduler',
];
