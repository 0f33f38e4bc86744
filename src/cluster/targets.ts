import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../base/errors.js';
import { findKubeconfig, type KubeSource } from '../collect/kubernetes.js';
import type { SshTarget } from '../collect/ssh/connect.js';
import { credentialFileProblem, expandHome, readCredentialFile } from '../base/credential-file.js';
import type { IdentitySpec } from '../collect/ssh/identity.js';
import type { Role } from '../evidence/schema.js';
import { nodeName, type ClusterYml, type LoadedCluster } from '../rke/cluster-yml.js';

/** RKE's defaults (cluster.yml reference): the key it uses and where Docker listens. */
export const RKE_DEFAULT_SSH_KEY_PATH = '~/.ssh/id_rsa';
export const RKE_DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export interface NodeTarget {
  /** The RKE node name: hostname_override, else address. */
  name: string;
  roles: Role[];
  ssh: SshTarget;
  dockerSocket: string;
  /** file:line:col of the node in cluster.yml. */
  at: string;
}

export interface ClusterTargets {
  nodes: NodeTarget[];
  /** bastion_host, when cluster.yml names one (a non-empty address, as RKE checks). */
  bastion?: SshTarget;
}

/** The SSH login keys a node and bastion_host share. */
type Login = Pick<
  ClusterYml['nodes'][number],
  'port' | 'user' | 'ssh_key' | 'ssh_key_path' | 'ssh_cert' | 'ssh_cert_path'
>;

const given = (s: string | null | undefined): s is string => s != null && s !== '';

/**
 * How to reach each node of a cluster.yml, the way RKE does (RKE's hosts/dialer.go and
 * cluster/defaults.go): `address` and `port` (22) as `user`; the node's `ssh_key`, else its
 * `ssh_key_path`, else the top-level `ssh_key_path`, else ~/.ssh/id_rsa; the node's `ssh_cert`
 * or `ssh_cert_path` beside it (the top-level `ssh_cert_path` goes with the top-level key);
 * ssh-agent when the top-level `ssh_agent_auth` is true (RKE overrides the node's and the
 * bastion's own with it); `docker_socket` (/var/run/docker.sock); and `bastion_host`, through
 * which every node is reached, with the same keys and defaults. Problems of the file itself (no
 * user, a key or certificate that cannot be read) are InputErrors naming file:line:column, found
 * before any node is contacted. Keys are parsed and decrypted later, per connection.
 */
export function clusterTargets(
  cluster: LoadedCluster,
  env: NodeJS.ProcessEnv = process.env,
): ClusterTargets {
  const c = cluster.config;
  const agent =
    c.ssh_agent_auth === true
      ? given(env.SSH_AUTH_SOCK)
        ? env.SSH_AUTH_SOCK
        : (() => {
            throw new InputError(
              `${cluster.at(['ssh_agent_auth'])}: ssh_agent_auth is true but SSH_AUTH_SOCK is not set (start ssh-agent and ssh-add the key)`,
            );
          })()
      : undefined;
  const files = new Map<string, Buffer | Error>();
  const read = (path: string): Buffer | Error => {
    const real = expandHome(path, env);
    let f = files.get(real);
    if (f === undefined) {
      try {
        f = readCredentialFile(real);
      } catch (e) {
        f = e as Error;
      }
      files.set(real, f);
    }
    return f;
  };

  /** The key and certificate of one login, or undefined when only the agent is left. */
  const identity = (
    login: Login,
    path: (string | number)[],
    label: string,
  ): IdentitySpec | undefined => {
    const at = cluster.at(path);
    let key: Buffer;
    let keySource: string;
    const ownKey = given(login.ssh_key) || given(login.ssh_key_path);
    if (given(login.ssh_key)) {
      key = Buffer.from(login.ssh_key);
      keySource = `the ssh_key of ${label} (${cluster.at([...path, 'ssh_key'])})`;
    } else {
      const keyPath = given(login.ssh_key_path)
        ? login.ssh_key_path
        : given(c.ssh_key_path)
          ? c.ssh_key_path
          : RKE_DEFAULT_SSH_KEY_PATH;
      const where = given(login.ssh_key_path)
        ? cluster.at([...path, 'ssh_key_path'])
        : given(c.ssh_key_path)
          ? cluster.at(['ssh_key_path'])
          : `${at} (RKE's default key)`;
      const got = read(keyPath);
      if (got instanceof Error) {
        // With ssh_agent_auth, RKE reads no key file: one it cannot read is no problem.
        if (agent !== undefined) return undefined;
        throw new InputError(
          `${where}: cannot read the SSH key ${keyPath}: ${credentialFileProblem(got)}`,
        );
      }
      key = got;
      keySource = `ssh_key_path ${keyPath}`;
    }
    let cert: Buffer | undefined;
    let certSource: string | undefined;
    if (given(login.ssh_cert)) {
      cert = Buffer.from(login.ssh_cert);
      certSource = `the ssh_cert of ${label} (${cluster.at([...path, 'ssh_cert'])})`;
    } else {
      // A certificate certifies one key: the top-level one goes with the top-level key.
      const certPath = given(login.ssh_cert_path)
        ? login.ssh_cert_path
        : !ownKey && given(c.ssh_cert_path)
          ? c.ssh_cert_path
          : undefined;
      if (certPath !== undefined) {
        const got = read(certPath);
        if (got instanceof Error) {
          if (agent !== undefined) return { key, keySource };
          const where = given(login.ssh_cert_path)
            ? cluster.at([...path, 'ssh_cert_path'])
            : cluster.at(['ssh_cert_path']);
          throw new InputError(
            `${where}: cannot read the SSH certificate ${certPath}: ${credentialFileProblem(got)}`,
          );
        }
        cert = got;
        certSource = `ssh_cert_path ${certPath}`;
      }
    }
    return {
      key,
      keySource,
      ...(cert !== undefined && certSource !== undefined ? { cert, certSource } : {}),
    };
  };

  const target = (
    login: Login & { user: string },
    host: string,
    path: (string | number)[],
    label: string,
  ): SshTarget => {
    const id = identity(login, path, label);
    return {
      host,
      port: login.port != null ? Number(login.port) : 22,
      user: login.user,
      ...(id !== undefined ? { identity: id } : {}),
      ...(agent !== undefined ? { agent } : {}),
    };
  };

  const b = c.bastion_host;
  let bastion: SshTarget | undefined;
  if (b != null && given(b.address)) {
    if (!given(b.user)) {
      throw new InputError(
        `${cluster.at(['bastion_host'])}: bastion_host has no user: RKE logs in to the bastion host as its user (user: rancher)`,
      );
    }
    bastion = target({ ...b, user: b.user }, b.address, ['bastion_host'], 'the bastion host');
  }

  const nodes = c.nodes.map((n, i): NodeTarget => {
    const at = cluster.at(['nodes', i]);
    const name = nodeName(n);
    if (!given(n.user)) {
      throw new InputError(
        `${at}: node ${JSON.stringify(name)} has no user: RKE logs in as the node's user (user: rancher)`,
      );
    }
    return {
      name,
      roles: n.role,
      at,
      dockerSocket: given(n.docker_socket) ? n.docker_socket : RKE_DEFAULT_DOCKER_SOCKET,
      ssh: target({ ...n, user: n.user }, n.address, ['nodes', i], `node ${name}`),
    };
  });
  return { nodes, ...(bastion !== undefined ? { bastion } : {}) };
}

/**
 * Where the cluster-scoped controls' Kubernetes objects come from in an SSH scan: --kubeconfig,
 * else the kubeconfig `rke up` writes beside cluster.yml, else $KUBECONFIG and ~/.kube/config.
 */
export function clusterKubeSource(
  kubeconfig: string | undefined,
  cluster: LoadedCluster | undefined,
  env: NodeJS.ProcessEnv,
): KubeSource {
  if (kubeconfig !== undefined) return findKubeconfig(kubeconfig, env);
  if (cluster !== undefined) {
    // `rke up` writes kube_config_<cluster file> beside the cluster file.
    const beside = join(dirname(cluster.file), `kube_config_${basename(cluster.file)}`);
    if (existsSync(beside)) return { kind: 'kubeconfig', path: beside, from: '--kubeconfig' };
  }
  return findKubeconfig(undefined, env);
}
