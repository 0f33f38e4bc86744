import { isMap, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import { InputError } from '../base/errors.js';
import { ROLES } from '../evidence/schema.js';
import { loadYamlFile } from '../base/yaml-file.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  KUBERNETES_MINOR,
  minorOf,
  RKE_VERSION,
  SUPPORTED_VERSION,
} from './defaults-v0.1.js';

/**
 * The RKE cluster.yml, as far as rkecis reads it. Permissive where RKE has keys rkecis does not
 * need (they pass through), strict where a typo changes the cluster silently: the keys of
 * `services` (RKE ignores `kube-apiserver:`, so its extra_args would never reach the container).
 */

/** The six keys of `services`, and the container each one configures. */
export const SERVICE_CONTAINERS = {
  'kube-api': 'kube-apiserver',
  'kube-controller': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  kubelet: 'kubelet',
  kubeproxy: 'kube-proxy',
  etcd: 'etcd',
} as const;
export type ServiceKey = keyof typeof SERVICE_CONTAINERS;
export type ComponentName = (typeof SERVICE_CONTAINERS)[ServiceKey];
export const SERVICE_KEYS = Object.keys(SERVICE_CONTAINERS) as ServiceKey[];
export const COMPONENTS = Object.values(SERVICE_CONTAINERS) as ComponentName[];

export const serviceOf = (container: string): ServiceKey | undefined =>
  SERVICE_KEYS.find((k) => SERVICE_CONTAINERS[k] === container);

/** A flag name as extra_args keys it: no leading dashes (RKE adds `--`). */
const FLAG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// RKE's ExtraArgs is map[string]string and yaml.v2 reads `profiling: false` into "false"; plain
// scalars arrive here as their text already (literalExtraArgs), the rest as YAML typed them.
const argValue = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'an extra_args value must be a string, number or boolean',
  })
  .transform((v) => String(v));

const extraArgs = z
  .record(z.string(), argValue)
  .superRefine((args, ctx) => {
    for (const k of Object.keys(args)) {
      if (!FLAG_NAME.test(k)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `extra_args key ${JSON.stringify(k)} is not a flag name (write it without the leading dashes: RKE adds "--")`,
        });
      }
    }
  })
  .nullish();

const service = {
  image: z.string().nullish(),
  extra_args: extraArgs,
  extra_binds: z.array(z.string()).nullish(),
  extra_env: z.array(z.string()).nullish(),
};

const servicesSchema = z
  .strictObject({
    'kube-api': z
      .looseObject({
        ...service,
        pod_security_policy: z.boolean().nullish(),
        service_cluster_ip_range: z.string().nullish(),
        service_node_port_range: z.string().nullish(),
      })
      .nullish(),
    'kube-controller': z
      .looseObject({
        ...service,
        cluster_cidr: z.string().nullish(),
        service_cluster_ip_range: z.string().nullish(),
      })
      .nullish(),
    scheduler: z.looseObject(service).nullish(),
    kubelet: z
      .looseObject({
        ...service,
        cluster_domain: z.string().nullish(),
        cluster_dns_server: z.string().nullish(),
        infra_container_image: z.string().nullish(),
        fail_swap_on: z.boolean().nullish(),
      })
      .nullish(),
    kubeproxy: z.looseObject(service).nullish(),
    etcd: z
      .looseObject({
        ...service,
        external_urls: z.array(z.string()).nullish(),
        path: z.string().nullish(),
      })
      .nullish(),
  })
  .nullish();

/** RKE reads `port` as a string ("22"); YAML writers often give a number. */
const sshPort = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, {
    error: 'port must be a TCP port number (1-65535)',
  });

/** How RKE (and `rkecis cluster`) log in over SSH, on a node and on the bastion host alike. */
const sshLogin = {
  port: sshPort.nullish(),
  user: z.string().nullish(),
  ssh_key: z.string().nullish(),
  ssh_key_path: z.string().nullish(),
  ssh_cert: z.string().nullish(),
  ssh_cert_path: z.string().nullish(),
  // RKE reads these but uses the top-level ssh_agent_auth for every connection.
  ssh_agent_auth: z.boolean().nullish(),
};

const nodeSchema = z.looseObject({
  address: z.string({ error: 'a node needs an address' }).min(1, 'a node needs an address'),
  internal_address: z.string().nullish(),
  hostname_override: z.string().nullish(),
  ...sshLogin,
  docker_socket: z.string().nullish(),
  role: z
    .array(
      z.enum(ROLES, {
        error: (iss) =>
          `unknown role ${JSON.stringify(iss.input)}; RKE roles are ${ROLES.join(', ')}`,
      }),
      {
        error: 'a node needs a role list (controlplane, etcd, worker)',
      },
    )
    .min(1, 'a node needs at least one role (controlplane, etcd, worker)'),
});

export const clusterYmlSchema = z.looseObject(
  {
    nodes: z
      .array(nodeSchema, {
        error: (iss) =>
          iss.input === undefined
            ? 'not an RKE cluster.yml: it has no "nodes" list'
            : 'not an RKE cluster.yml: "nodes" must be a list of nodes',
      })
      .min(1, 'not an RKE cluster.yml: the "nodes" list is empty'),
    services: servicesSchema,
    kubernetes_version: z.string().nullish(),
    cluster_name: z.string().nullish(),
    ssh_key_path: z.string().nullish(),
    ssh_cert_path: z.string().nullish(),
    ssh_agent_auth: z.boolean().nullish(),
    // A jump host: RKE reaches every node through it.
    bastion_host: z
      .looseObject({
        address: z.string().nullish(),
        ...sshLogin,
        // RKE's Kubernetes client through the bastion; rkecis uses no proxy variables.
        ignore_proxy_env_vars: z.boolean().nullish(),
      })
      .nullish(),
    prefix_path: z.string().nullish(),
    authorization: z.looseObject({ mode: z.enum(['rbac', 'none']).nullish() }).nullish(),
    cloud_provider: z.looseObject({ name: z.string().nullish() }).nullish(),
    system_images: z
      .looseObject({ kubernetes: z.string().nullish(), etcd: z.string().nullish() })
      .nullish(),
  },
  { error: 'not an RKE cluster.yml: expected a YAML mapping with a "nodes" list' },
);

export type ClusterYml = z.output<typeof clusterYmlSchema>;
export type ClusterNode = ClusterYml['nodes'][number];

/** A validated cluster.yml and where its keys are, for messages. */
export interface LoadedCluster {
  file: string;
  config: ClusterYml;
  kubernetesVersion: string;
  /** file:line:col of a key path. */
  at: (path: (string | number)[]) => string;
}

/** The name RKE gives a node (its Kubernetes node name): hostname_override, else address. */
export const nodeName = (n: ClusterNode): string => n.hostname_override ?? n.address;

/**
 * Checks what RKE itself refuses, and (with `versionDefaults`, for plan and remediate) that
 * rkecis has RKE defaults for the Kubernetes version.
 */
export function checkCluster(
  config: ClusterYml,
  at: LoadedCluster['at'],
  versionDefaults = true,
): string {
  const version = config.kubernetes_version ?? DEFAULT_KUBERNETES_VERSION;
  const hint = `rkecis has RKE ${RKE_VERSION} defaults for Kubernetes ${KUBERNETES_MINOR} only (kubernetes_version v1.11.x-rancherN-N)`;
  if (versionDefaults && !SUPPORTED_VERSION.test(version)) {
    throw new InputError(
      `${at(['kubernetes_version'])}: no defaults for kubernetes_version ${JSON.stringify(version)}: ${hint}`,
    );
  }
  // RKE takes the component flags of the hyperkube image's minor version when it differs.
  const image = config.system_images?.kubernetes;
  const tag = image?.split(':').at(-1);
  if (
    versionDefaults &&
    image != null &&
    tag !== undefined &&
    tag !== image &&
    minorOf(tag) !== undefined &&
    minorOf(tag) !== KUBERNETES_MINOR
  ) {
    throw new InputError(
      `${at(['system_images', 'kubernetes'])}: no defaults for the Kubernetes image ${image}: ${hint}`,
    );
  }
  const seen = new Map<string, number>();
  config.nodes.forEach((n, i) => {
    const name = nodeName(n);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        `${at(['nodes', i])}: node ${JSON.stringify(name)} appears twice in nodes (first as nodes[${first}])`,
      );
    }
    seen.set(name, i);
  });
  const hasRole = (r: string): boolean =>
    config.nodes.some((n) => n.role.includes(r as (typeof ROLES)[number]));
  const externalEtcd = (config.services?.etcd?.external_urls ?? []).length > 0;
  if (!hasRole('controlplane'))
    throw new InputError(
      `${at(['nodes'])}: RKE needs at least one node with the controlplane role`,
    );
  if (!hasRole('worker'))
    throw new InputError(`${at(['nodes'])}: RKE needs at least one node with the worker role`);
  if (!hasRole('etcd') && !externalEtcd) {
    throw new InputError(
      `${at(['nodes'])}: RKE needs at least one node with the etcd role (or services.etcd.external_urls)`,
    );
  }
  return version;
}

/**
 * RKE reads extra_args into a map[string]string with yaml.v2, which gives a plain scalar its text
 * as written: `30.0`, `3e1`, `0x1E` or `True` reach the component as those characters, not as the
 * number or boolean YAML would make of them (an int flag refuses "30.0"). So each plain scalar
 * of an extra_args map keeps its source text. Quoted and block scalars are strings already.
 */
function literalExtraArgs(doc: Document): void {
  const services = doc.get('services', true);
  if (!isMap(services)) return;
  for (const service of services.items) {
    if (!isMap(service.value)) continue;
    const args = service.value.get('extra_args', true);
    if (!isMap(args)) continue;
    for (const pair of args.items) {
      const v = pair.value;
      if (isScalar(v) && v.type === 'PLAIN' && v.value !== null && v.source !== undefined)
        v.value = v.source;
    }
  }
}

/**
 * Reads and validates an RKE cluster.yml; every problem is one InputError naming file:line:col.
 * `versionDefaults: false` (a scan of a running cluster) accepts any kubernetes_version.
 */
export function loadClusterYml(file: string, { versionDefaults = true } = {}): LoadedCluster {
  let loaded: ReturnType<typeof loadYamlFile<typeof clusterYmlSchema>>;
  try {
    loaded = loadYamlFile(file, clusterYmlSchema, literalExtraArgs);
  } catch (e) {
    if (e instanceof InputError && /unknown keys? .*\(at services\)$/.test(e.message)) {
      throw new InputError(`${e.message}; RKE's services are ${SERVICE_KEYS.join(', ')}`);
    }
    throw e;
  }
  const kubernetesVersion = checkCluster(loaded.data, loaded.at, versionDefaults);
  return { file, config: loaded.data, kubernetesVersion, at: loaded.at };
}
