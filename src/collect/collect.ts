import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../base/errors.js';
import { resolveFromFlags } from '../engine/checks/paths-from.js';
import { flagSyntaxOf, parseFlags } from '../engine/flags.js';
import {
  addFileWant,
  byName,
  evidenceRequirements,
  type EvidenceRequirements,
  type FileWant,
} from '../engine/requirements.js';
import {
  EVIDENCE_API_VERSION,
  EVIDENCE_KIND,
  ROLE_MARKERS,
  type Role,
} from '../evidence/constants.js';
import type { Evidence } from '../evidence/schema.js';
import type { Profile } from '../profiles/schema.js';
import { VERSION } from '../base/version.js';
import {
  DEFAULT_TIMEOUT_MS,
  DockerClient,
  dockerEndpoint,
  type DockerTlsOptions,
  type InspectWant,
} from './docker.js';
import { nodeFiles } from './host-files.js';
import {
  collectKubernetes,
  describeSource,
  findKubeconfig,
  type KubeSource,
} from './kubernetes.js';
import { localFs, lstatOnce, type NodeFs } from './node-fs.js';
import { readUnderRoot } from './root-path.js';
import { detectRoles } from './roles.js';

export interface CollectOptions {
  profile: Profile;
  /** Docker Engine URL; default DOCKER_HOST, then unix:///var/run/docker.sock. */
  dockerHost?: string;
  /** TLS to a tcp:// engine, as the docker CLI's --tlsverify, --tlscacert, --tlscert, --tlskey. */
  dockerTls?: DockerTlsOptions;
  /** Where the node's filesystem is mounted; default "/". */
  root?: string;
  kubeconfig?: string;
  /** Overrides the roles detected from containers. */
  roles?: Role[];
  /** The node's name (its Kubernetes node name); default its /etc/hostname, else this machine's. */
  nodeName?: string;
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
  const docker = new DockerClient(
    dockerEndpoint(options.dockerHost, env, options.dockerTls),
    timeoutMs,
  );
  const kube = findKubeconfig(options.kubeconfig, env);
  await checkRoot(root);
  const own = root === '/';
  const evidence = await collectFrom({
    profile: options.profile,
    fs: localFs(root),
    docker,
    kubernetes: { source: kube },
    timeoutMs,
    ...(options.roles !== undefined ? { roles: options.roles } : {}),
    ...(options.nodeName !== undefined ? { nodeName: options.nodeName } : {}),
    // Without a hostname file, a scan of / is of this machine itself.
    ...(own ? { defaultHostname: hostname() } : {}),
  });
  if (own || evidence.node.hostname !== undefined || options.nodeName !== undefined)
    return evidence;
  // A root mounted from elsewhere without its etc/hostname: the node is named after the machine
  // scanning it (in a container with the host's network, or a pod on the host network, that is
  // the host's name); unnamedRoot() tells the user.
  return { ...evidence, node: { name: hostname() } };
}

/**
 * What to tell the user when the node was named after this machine because `--root` has no
 * etc/hostname (cluster reports and history go by the name), else undefined.
 */
export function unnamedRoot(evidence: Evidence, options: CollectOptions): string | undefined {
  const root = resolve(options.root ?? '/');
  if (root === '/' || evidence.node.hostname !== undefined || options.nodeName !== undefined)
    return undefined;
  return `--root ${root} has no usable etc/hostname (missing, unreadable, or not a host name), so the node is named ${evidence.node.name}, this machine's hostname; mount the node's /etc/hostname at ${root}/etc/hostname, or name it with --node-name`;
}

/** Where one node's evidence comes from: its filesystem, its Docker engine, the Kubernetes API. */
export interface CollectSources {
  profile: Profile;
  fs: NodeFs;
  docker: DockerClient;
  /**
   * Where to list the Kubernetes resources the profile names; or, with `note`, not queried for
   * this node (a cluster scan lists them once for the whole cluster) and why.
   */
  kubernetes: { source: KubeSource } | { note: string };
  timeoutMs: number;
  /** Overrides the roles detected from containers (`--role`). */
  roles?: Role[];
  /**
   * The roles the node is declared to have (cluster.yml): they apply with those detected, so a
   * node missing its role's containers has errors for that role's controls, not silence.
   */
  declaredRoles?: Role[];
  /** The node's name; default its /etc/hostname, else `defaultHostname`. */
  nodeName?: string;
  /** The hostname when the node has no /etc/hostname (a local scan: this machine's own). */
  defaultHostname?: string;
}

/** collect() over any filesystem and Docker engine: the local root or a node over SSH. */
export async function collectFrom(src: CollectSources): Promise<Evidence> {
  const wanted = evidenceRequirements(src.profile);
  // The role markers are inspected even when no control names them: they decide which controls apply.
  const containerNames = [
    ...new Set([...wanted.containers, ...Object.values(ROLE_MARKERS)]),
  ].sort();
  const kube = 'source' in src.kubernetes ? src.kubernetes.source : undefined;

  const inspectWants = new Map<string, InspectWant>();
  for (const name of wanted.mounts) inspectWants.set(name, { mounts: true });
  for (const { container, names } of wanted.env)
    inspectWants.set(container, { ...inspectWants.get(container), env: names });

  // The files are asked for at once, while the Docker engine is pinged: over SSH every wait is a
  // round trip to the node. Nothing is inspected until the ping proves the endpoint is Docker
  // (else every container would look absent), and one that is not fails the scan.
  const pinged = src.docker.ping();
  const fs = lstatOnce(src.fs);
  const inspected = pinged.then(() => src.docker.inspectAll(containerNames, inspectWants));
  // The profile's own paths are read at once; those container flags name once the containers
  // are inspected (each path's lstat once, and a path both name read again only for what the
  // flags add).
  const reader = nodeFiles(fs);
  const own = reader.read(wanted.files);
  // Not awaited when the ping fails first (collectFile turns every failure into evidence anyway).
  own.catch(() => undefined);
  const filesRead =
    wanted.fromFlags.length === 0
      ? own
      : inspected.then(async (c) => {
          const more = flagOnlyWants(wanted.files, withFlagPaths(wanted, c));
          const [first, then] = await Promise.all([own, reader.read(more)]);
          return sortedByPath({ ...first, ...then });
        });
  const gathered = Promise.all([
    inspected,
    filesRead,
    kube !== undefined && wanted.kubernetes.length > 0
      ? collectKubernetes(kube, wanted.kubernetes, src.timeoutMs)
      : undefined,
    hostnameOf(fs),
  ]);
  gathered.catch(() => undefined);
  await pinged;
  const [containers, files, kubernetes, ownName] = await gathered;
  const hostname = ownName ?? src.defaultHostname;
  const name = src.nodeName ?? hostname ?? src.fs.display;
  return {
    apiVersion: EVIDENCE_API_VERSION,
    kind: EVIDENCE_KIND,
    node: { name, ...(hostname !== undefined ? { hostname } : {}) },
    roles:
      src.declaredRoles !== undefined
        ? declaredRoles(containers, src.declaredRoles)
        : detectRoles(containers, src.roles),
    collectedAt: new Date().toISOString(),
    collector: {
      name: 'rkecis',
      version: VERSION,
      root: src.fs.display,
      dockerHost: src.docker.endpoint.url,
      dockerConnection: src.docker.endpoint.connection,
      kubernetes:
        'note' in src.kubernetes
          ? src.kubernetes.note
          : kubernetes === undefined
            ? 'not queried (the profile lists no Kubernetes resources)'
            : describeSource(kube as KubeSource, kubernetes.server),
    },
    containers,
    files,
    ...(kubernetes !== undefined ? { kubernetes: kubernetes.evidence } : {}),
  };
}

/**
 * The files to read: the profile's own paths and those its `from` flags name on this node (through
 * the inspected containers' flags and mounts, by the engine's own rule), each path once with what
 * any check wants of it. A flag's path that leads nowhere readable is left out: the engine finds
 * the same problem and says it on the control.
 */
export function withFlagPaths(
  wanted: EvidenceRequirements,
  containers: Evidence['containers'],
): FileWant[] {
  const files = new Map(wanted.files.map((f) => [f.path, { ...f }]));
  for (const { from, entries, content } of wanted.fromFlags) {
    const c = Object.hasOwn(containers, from.container) ? containers[from.container] : undefined;
    if (c?.status !== 'present') continue;
    const flags = parseFlags(c.args, flagSyntaxOf(from.container));
    const r = resolveFromFlags(from, flags, c.mounts, true);
    if ('id' in r) continue;
    addFileWant(files, r.hostPath, { entries, content });
  }
  return [...files.values()].sort((a, b) => byName(a.path, b.path));
}

/**
 * Of the wants with the flags' paths, those the profile's own wants do not already cover: a new
 * path, or a path of the profile's with entries or content that the profile did not ask for.
 */
function flagOnlyWants(own: readonly FileWant[], all: readonly FileWant[]): FileWant[] {
  const asked = new Map(own.map((f) => [f.path, f]));
  return all.filter((f) => {
    const a = asked.get(f.path);
    return a === undefined || (f.entries && !a.entries) || (f.content && !a.content);
  });
}

const sortedByPath = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => byName(a, b)));

/** Declared roles, with any role the containers show on top (RKE runs a kubelet on every node). */
export function declaredRoles(
  containers: Evidence['containers'],
  roles: readonly Role[],
): Evidence['roles'] {
  const seen = detectRoles(containers);
  const all = (['controlplane', 'etcd', 'worker'] as const).filter(
    (r) => roles.includes(r) || seen.detected.includes(r),
  );
  const extra = seen.detected.filter((r) => !roles.includes(r));
  return {
    detected: all,
    source: 'declared',
    reason:
      `declared ${roles.join(', ')} in cluster.yml` +
      (extra.length > 0 ? `; ${extra.join(', ')} detected too` : '') +
      `; ${seen.reason ?? ''}`,
  };
}

/**
 * A bundle's roles with any role its containers show on top: a bundle collected with `--role
 * worker` (or edited) on a node that runs kube-apiserver is still judged as a controlplane.
 */
export function bundleRoles(evidence: Evidence): Evidence['roles'] {
  const seen = detectRoles(evidence.containers);
  const stated = evidence.roles.detected;
  const extra = seen.detected.filter((r) => !stated.includes(r));
  if (extra.length === 0) return evidence.roles;
  return {
    detected: (['controlplane', 'etcd', 'worker'] as const).filter(
      (r) => stated.includes(r) || extra.includes(r),
    ),
    source: evidence.roles.source,
    reason: [
      evidence.roles.reason,
      `${extra.join(', ')} judged too: the bundle's containers show it (${seen.reason ?? ''})`,
    ]
      .filter((x) => x !== undefined && x !== '')
      .join('; '),
  };
}

/** A root that is not a folder would make every file look absent: that is the user's typo, not a finding. */
export async function checkRoot(root: string): Promise<void> {
  const st = await stat(root).catch(() => undefined);
  if (st?.isDirectory() !== true) {
    throw new InputError(`--root ${root}: ${st === undefined ? 'no such folder' : 'not a folder'}`);
  }
}

/** The node's own hostname (its /etc/hostname), when it has a sensible one. */
async function hostnameOf(fs: NodeFs): Promise<string | undefined> {
  try {
    const first = (await readUnderRoot(fs, '/etc/hostname', 4096)).split('\n')[0]?.trim();
    if (first !== undefined && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(first)) return first;
  } catch {
    // No hostname file under the root.
  }
  return undefined;
}
