import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../cli/errors.js';
import { MiB, readInputFile, UnreadableFile } from '../cli/input-file.js';
import type { SshTarget } from '../collect/ssh/connect.js';
import type { Role } from '../evidence/schema.js';
import { nodeName, type LoadedCluster } from '../rke/cluster-yml.js';

/** RKE's defaults (cluster.yml reference): the key it uses and where Docker listens. */
export const RKE_DEFAULT_SSH_KEY_PATH = '~/.ssh/id_rsa';
export const RKE_DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** A private key is a few KiB; a file far bigger is not one. */
const MAX_SSH_KEY_BYTES = MiB;

export interface NodeTarget {
  /** The RKE node name: hostname_override, else address. */
  name: string;
  roles: Role[];
  ssh: SshTarget;
  dockerSocket: string;
  /** file:line:col of the node in cluster.yml. */
  at: string;
}

const expandHome = (path: string, env: NodeJS.ProcessEnv): string =>
  path === '~' || path.startsWith('~/')
    ? join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), path.slice(1))
    : path;

/**
 * How to reach each node of a cluster.yml, the way RKE does: `address` and `port` (22), `user`,
 * the node's `ssh_key` or `ssh_key_path`, else the top-level `ssh_key_path` (RKE's default
 * ~/.ssh/id_rsa), ssh-agent when `ssh_agent_auth: true`, and `docker_socket`
 * (/var/run/docker.sock). Problems of the file itself (no user, a key that cannot be read) are
 * InputErrors naming file:line:column, found before any node is contacted.
 */
export function nodeTargets(
  cluster: LoadedCluster,
  env: NodeJS.ProcessEnv = process.env,
): NodeTarget[] {
  const c = cluster.config;
  const agent =
    c.ssh_agent_auth === true
      ? env.SSH_AUTH_SOCK !== undefined && env.SSH_AUTH_SOCK !== ''
        ? env.SSH_AUTH_SOCK
        : (() => {
            throw new InputError(
              `${cluster.at(['ssh_agent_auth'])}: ssh_agent_auth is true but SSH_AUTH_SOCK is not set (start ssh-agent and ssh-add the key)`,
            );
          })()
      : undefined;
  const keys = new Map<string, Buffer | UnreadableFile>();
  const readKey = (path: string): Buffer | UnreadableFile => {
    let k = keys.get(path);
    if (k === undefined) {
      try {
        k = readInputFile(path, { maxBytes: MAX_SSH_KEY_BYTES });
      } catch (e) {
        if (!(e instanceof UnreadableFile)) throw e;
        k = e;
      }
      keys.set(path, k);
    }
    return k;
  };
  return c.nodes.map((n, i): NodeTarget => {
    const at = cluster.at(['nodes', i]);
    const name = nodeName(n);
    if (n.user == null || n.user === '') {
      throw new InputError(
        `${at}: node ${JSON.stringify(name)} has no user: RKE logs in as the node's user (user: rancher)`,
      );
    }
    let privateKey: Buffer | undefined;
    let keySource: string | undefined;
    if (n.ssh_key != null && n.ssh_key !== '') {
      privateKey = Buffer.from(n.ssh_key);
      keySource = `the ssh_key of node ${name}`;
    } else {
      const fromNode = n.ssh_key_path != null && n.ssh_key_path !== '';
      const fromTop = c.ssh_key_path != null && c.ssh_key_path !== '';
      const path = fromNode
        ? (n.ssh_key_path as string)
        : fromTop
          ? (c.ssh_key_path as string)
          : RKE_DEFAULT_SSH_KEY_PATH;
      const where = fromNode
        ? cluster.at(['nodes', i, 'ssh_key_path'])
        : fromTop
          ? cluster.at(['ssh_key_path'])
          : `${at} (RKE's default key)`;
      const key = readKey(expandHome(path, env));
      if (key instanceof UnreadableFile) {
        // With ssh-agent, a missing default key is no problem; a key named in the file is.
        if (agent === undefined || fromNode || fromTop) {
          throw new InputError(`${where}: cannot read the SSH key ${path}: ${key.problem}`);
        }
      } else {
        privateKey = key;
        keySource = `ssh_key_path ${path}`;
      }
    }
    return {
      name,
      roles: n.role,
      at,
      dockerSocket:
        n.docker_socket != null && n.docker_socket !== ''
          ? n.docker_socket
          : RKE_DEFAULT_DOCKER_SOCKET,
      ssh: {
        host: n.address,
        port: n.port != null ? Number(n.port) : 22,
        user: n.user,
        ...(privateKey !== undefined ? { privateKey } : {}),
        ...(keySource !== undefined ? { keySource } : {}),
        ...(agent !== undefined ? { agent } : {}),
      },
    };
  });
}
