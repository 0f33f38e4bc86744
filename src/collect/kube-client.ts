/**
 * The one part of the Kubernetes client rkecis uses: kubeconfig loading (files, merged
 * KUBECONFIG lists, the in-cluster service account, TLS and credentials). Imported through this
 * module so that the bundled CLI carries only what KubeConfig needs, not the whole generated API
 * client (14 MB); kubernetes.ts imports it when a cluster is queried.
 */
export { KubeConfig } from '@kubernetes/client-node';
