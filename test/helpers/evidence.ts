import type { Evidence, FileEvidence } from '../../src/evidence/schema.js';

/** A minimal valid evidence document, with the given containers' args and files. */
export function makeEvidence(
  parts: {
    args?: Record<string, string[]>;
    files?: Record<string, FileEvidence>;
    kubernetes?: Evidence['kubernetes'];
    roles?: Evidence['roles']['detected'];
  } = {},
): Evidence {
  const containers: Evidence['containers'] = {};
  for (const [name, args] of Object.entries(parts.args ?? {})) {
    containers[name] = {
      status: 'present',
      image: 'rancher/hyperkube:v1.11.5-rancher1',
      path: '/opt/rke-tools/entrypoint.sh',
      args,
      state: { status: 'running', running: true },
    };
  }
  return {
    apiVersion: 'rkecis.io/v1',
    kind: 'NodeEvidence',
    node: { name: 'test-node' },
    roles: { detected: parts.roles ?? ['controlplane', 'etcd', 'worker'], source: 'declared' },
    containers,
    files: parts.files ?? {},
    ...(parts.kubernetes !== undefined ? { kubernetes: parts.kubernetes } : {}),
  };
}

export const file = (
  mode: string,
  user = 'root',
  group = 'root',
  extra: Partial<FileEvidence> = {},
): FileEvidence =>
  ({
    status: 'present',
    type: 'file',
    mode,
    uid: user === 'root' ? 0 : 1000,
    gid: group === 'root' ? 0 : 1000,
    user,
    group,
    ...extra,
  }) as FileEvidence;
