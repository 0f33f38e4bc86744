import { KUBERNETES_COMPONENTS } from '../profiles/kubernetes-version.js';
import type { ContainerEvidence } from '../evidence/schema.js';
import {
  DEFAULT_TIMEOUT_MS,
  DockerClient,
  dockerEndpoint,
  type DockerTlsOptions,
} from './docker.js';
import { findKubeconfig, readServerVersion } from './kubernetes.js';

/** What a node shows of its Kubernetes version, read before its profile is known. */
export interface VersionProbe {
  /** The Kubernetes components' containers (their images), as a scan inspects them. */
  containers: Record<string, ContainerEvidence>;
  /** The Docker engine asked. */
  dockerHost: string;
  /** The API server's gitVersion, or why it could not be had. */
  api: { version: string; server: string } | { problem: string };
}

/**
 * Reads the node's Kubernetes version the two ways a profile can be chosen by: the API server's
 * `/version` and the component containers' images, at once. An endpoint that is not Docker is
 * bad input here as in a scan.
 */
export async function probeVersions(options: {
  dockerHost?: string;
  dockerTls?: DockerTlsOptions;
  kubeconfig?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<VersionProbe> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const docker = new DockerClient(
    dockerEndpoint(options.dockerHost, env, options.dockerTls),
    timeoutMs,
  );
  const kube = findKubeconfig(options.kubeconfig, env);
  await docker.ping();
  const [containers, api] = await Promise.all([
    docker.inspectAll(KUBERNETES_COMPONENTS),
    readServerVersion(kube, timeoutMs),
  ]);
  return { containers, api, dockerHost: docker.endpoint.url };
}
