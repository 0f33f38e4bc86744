import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../cli/errors.js';
import { evidenceRequirements } from '../engine/requirements.js';
import {
  EVIDENCE_API_VERSION,
  EVIDENCE_KIND,
  type Evidence,
  type Role,
} from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import { VERSION } from '../version.js';
import { DEFAULT_TIMEOUT_MS, DockerClient, dockerEndpoint } from './docker.js';
import { collectFiles } from './host-files.js';
import { collectKubernetes, describeSource, findKubeconfig } from './kubernetes.js';
import { readUnderRoot } from './root-path.js';
import { detectRoles, ROLE_MARKERS } from './roles.js';

export interface CollectOptions {
  profile: Profile;
  /** Docker Engine URL; default DOCKER_HOST, then unix:///var/run/docker.sock. */
  dockerHost?: string;
  /** Where the node's filesystem is mounted; default "/". */
  root?: string;
  kubeconfig?: string;
  /** Overrides the roles detected from containers. */
  roles?: Role[];
  /** Per request; default 10 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Gathers one node's evidence: exactly the containers, files and Kubernetes resources the
 * profile's checks name, each read once, the three sources at the same time.
 */
export async function collect(options: CollectOptions): Promise<Evidence> {
  const env = options.env ?? process.env;
  const root = resolve(options.root ?? '/');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const wanted = evidenceRequirements(options.profile);
  const docker = new DockerClient(dockerEndpoint(options.dockerHost, env), timeoutMs);
  const kube = findKubeconfig(options.kubeconfig, env);
  // The role markers are inspected even when no control names them: they decide which controls apply.
  const containerNames = [
    ...new Set([...wanted.containers, ...Object.values(ROLE_MARKERS)]),
  ].sort();

  await checkRoot(root);
  // An endpoint that is not Docker fails the scan before anything else is read.
  await docker.version();
  const [containers, files, kubernetes, name] = await Promise.all([
    docker.inspectAll(containerNames),
    collectFiles(root, wanted.files),
    wanted.kubernetes.length > 0
      ? collectKubernetes(kube, wanted.kubernetes, timeoutMs)
      : undefined,
    nodeName(root),
  ]);
  return {
    apiVersion: EVIDENCE_API_VERSION,
    kind: EVIDENCE_KIND,
    node: { name, hostname: name },
    roles: detectRoles(containers, options.roles),
    collectedAt: new Date().toISOString(),
    collector: {
      name: 'rkecis',
      version: VERSION,
      root,
      dockerHost: docker.endpoint.url,
      kubernetes:
        kubernetes === undefined
          ? 'not queried (the profile lists no Kubernetes resources)'
          : describeSource(kube, kubernetes.server),
    },
    containers,
    files,
    ...(kubernetes !== undefined ? { kubernetes: kubernetes.evidence } : {}),
  };
}

/** A root that is not a folder would make every file look absent: that is the user's typo, not a finding. */
async function checkRoot(root: string): Promise<void> {
  const st = await stat(root).catch(() => undefined);
  if (st?.isDirectory() !== true) {
    throw new InputError(`--root ${root}: ${st === undefined ? 'no such folder' : 'not a folder'}`);
  }
}

/** The node's own hostname (its /etc/hostname under the root), else this machine's. */
async function nodeName(root: string): Promise<string> {
  try {
    const first = (await readUnderRoot(root, '/etc/hostname', 4096)).split('\n')[0]?.trim();
    if (first !== undefined && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(first)) return first;
  } catch {
    // No hostname file under the root: a scan of the machine itself.
  }
  return hostname();
}
