import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KUBERNETES_RESOURCES } from '../../src/profiles/k8s-resources.js';

/**
 * deploy/*.yaml parse, and each object passes a schema of its kind: the fields rkecis uses, with
 * the Kubernetes types and enums they have (apps/v1 DaemonSet, v1 ServiceAccount and Namespace,
 * rbac.authorization.k8s.io/v1 roles and bindings, policy/v1beta1 PodSecurityPolicy). Strict
 * where a typo would be silently ignored by the API server's older versions.
 */

const DIR = new URL('../../deploy/', import.meta.url);
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');
const labels = z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/), z.string());
const meta = (namespaced: boolean) =>
  z.strictObject({
    name,
    ...(namespaced ? { namespace: name } : {}),
    labels: labels.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  });

const hostPathType = z.enum([
  '',
  'DirectoryOrCreate',
  'Directory',
  'FileOrCreate',
  'File',
  'Socket',
  'CharDevice',
  'BlockDevice',
]);
const volume = z.strictObject({
  name,
  hostPath: z
    .strictObject({ path: z.string().startsWith('/'), type: hostPathType.optional() })
    .optional(),
  emptyDir: z
    .strictObject({ medium: z.string().optional(), sizeLimit: z.string().optional() })
    .optional(),
});
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|k|M|G)?$/);
const container = z.strictObject({
  name,
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z
    .array(
      z.strictObject({
        name: z.string(),
        value: z.string().optional(),
        valueFrom: z
          .strictObject({ fieldRef: z.strictObject({ fieldPath: z.string() }) })
          .optional(),
      }),
    )
    .optional(),
  securityContext: z
    .strictObject({
      runAsUser: z.number().int().nonnegative().optional(),
      runAsGroup: z.number().int().nonnegative().optional(),
      runAsNonRoot: z.boolean().optional(),
      privileged: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      capabilities: z
        .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  resources: z
    .strictObject({
      requests: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
      limits: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
    })
    .optional(),
  volumeMounts: z
    .array(
      z.strictObject({
        name,
        mountPath: z.string().startsWith('/'),
        readOnly: z.boolean().optional(),
      }),
    )
    .optional(),
});
const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(
    z.strictObject({
      key: z.string(),
      operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
      values: z.array(z.string()).optional(),
    }),
  ),
});
const daemonSet = z.strictObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('DaemonSet'),
  metadata: meta(true),
  spec: z.strictObject({
    selector: z.strictObject({ matchLabels: labels }),
    template: z.strictObject({
      metadata: z.strictObject({ labels }),
      spec: z.strictObject({
        serviceAccountName: name,
        automountServiceAccountToken: z.boolean().optional(),
        nodeSelector: z.record(z.string(), z.string()).optional(),
        affinity: z
          .strictObject({
            nodeAffinity: z.strictObject({
              requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({
                nodeSelectorTerms: z.array(nodeSelectorTerm),
              }),
            }),
          })
          .optional(),
        tolerations: z.array(toleration),
        containers: z.array(container).min(1),
        volumes: z.array(volume),
      }),
    }),
  }),
});
const subject = z.strictObject({
  kind: z.enum(['ServiceAccount', 'User', 'Group']),
  name,
  namespace: name.optional(),
});
const roleRef = z.strictObject({
  apiGroup: z.literal('rbac.authorization.k8s.io'),
  kind: z.enum(['ClusterRole', 'Role']),
  name,
});
const rule = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
  verbs: z.array(z.enum(['get', 'list', 'watch', 'use', 'create', 'update', 'patch', 'delete'])),
});
const rbac = 'rbac.authorization.k8s.io/v1';
const schemas = {
  Namespace: z.strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('Namespace'),
    metadata: meta(false),
  }),
  ServiceAccount: z.strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ServiceAccount'),
    metadata: meta(true),
  }),
  ClusterRole: z.strictObject({
    apiVersion: z.literal(rbac),
    kind: z.literal('ClusterRole'),
    metadata: meta(false),
    rules: z.array(rule).min(1),
  }),
  ClusterRoleBinding: z.strictObject({
    apiVersion: z.literal(rbac),
    kind: z.literal('ClusterRoleBinding'),
    metadata: meta(false),
    roleRef,
    subjects: z.array(subject).min(1),
  }),
  RoleBinding: z.strictObject({
    apiVersion: z.literal(rbac),
    kind: z.literal('RoleBinding'),
    metadata: meta(true),
    roleRef,
    subjects: z.array(subject).min(1),
  }),
  DaemonSet: daemonSet,
  PodSecurityPolicy: z.strictObject({
    apiVersion: z.literal('policy/v1beta1'),
    kind: z.literal('PodSecurityPolicy'),
    metadata: meta(false),
    spec: z.strictObject({
      privileged: z.boolean(),
      allowPrivilegeEscalation: z.boolean(),
      requiredDropCapabilities: z.array(z.string()),
      hostNetwork: z.boolean(),
      hostPID: z.boolean(),
      hostIPC: z.boolean(),
      readOnlyRootFilesystem: z.boolean(),
      runAsUser: z.strictObject({ rule: z.enum(['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny']) }),
      seLinux: z.strictObject({ rule: z.enum(['MustRunAs', 'RunAsAny']) }),
      supplementalGroups: z.strictObject({ rule: z.enum(['MustRunAs', 'MayRunAs', 'RunAsAny']) }),
      fsGroup: z.strictObject({ rule: z.enum(['MustRunAs', 'MayRunAs', 'RunAsAny']) }),
      volumes: z.array(z.string()),
      allowedHostPaths: z.array(z.strictObject({ pathPrefix: z.string(), readOnly: z.boolean() })),
    }),
  }),
} as const;

type Obj = { kind: keyof typeof schemas; metadata: { name: string; namespace?: string } };

function load(): { file: string; obj: Obj }[] {
  const out: { file: string; obj: Obj }[] = [];
  for (const file of readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(new URL(file, DIR), 'utf8'))) {
      expect(doc.errors, file).toEqual([]);
      out.push({ file, obj: doc.toJS() as Obj });
    }
  }
  return out;
}

const objects = load();
const daemonSets = objects
  .filter((o) => o.obj.kind === 'DaemonSet')
  .map((o) => daemonSet.parse(o.obj));

/** The host paths the collector reads, each mounted read-only under /host. */
const HOST_PATHS = [
  '/var/run/docker.sock',
  '/etc/kubernetes',
  '/var/lib/etcd',
  '/etc/cni',
  '/var/lib/cni',
  '/etc/passwd',
  '/etc/group',
];

describe('deploy/ manifests', () => {
  it('parse, and every object passes the schema of its kind', () => {
    expect(objects.map((o) => o.obj.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRole',
        'ClusterRoleBinding',
        'DaemonSet',
        'DaemonSet',
        'Namespace',
        'PodSecurityPolicy',
        'RoleBinding',
        'ServiceAccount',
      ].sort(),
    );
    for (const { file, obj } of objects) {
      const schema = schemas[obj.kind] as z.ZodType | undefined;
      expect(schema, `${file}: no schema for kind ${obj.kind}`).toBeDefined();
      const r = (schema as z.ZodType).safeParse(obj);
      expect(r.success ? [] : r.error.issues, `${file} ${obj.kind} ${obj.metadata.name}`).toEqual(
        [],
      );
    }
  });

  it('run rkecis collect --root /host on every node, tolerating the controlplane and etcd taints', () => {
    expect(daemonSets).toHaveLength(2);
    for (const ds of daemonSets) {
      const pod = ds.spec.template.spec;
      expect(ds.spec.selector.matchLabels).toEqual(
        Object.fromEntries(
          Object.entries(ds.spec.selector.matchLabels).map(([k]) => [
            k,
            ds.spec.template.metadata.labels[k],
          ]),
        ),
      );
      expect(pod.tolerations).toEqual(
        expect.arrayContaining([
          { key: 'node-role.kubernetes.io/controlplane', operator: 'Exists', effect: 'NoSchedule' },
          { key: 'node-role.kubernetes.io/etcd', operator: 'Exists', effect: 'NoExecute' },
        ]),
      );
      const c = pod.containers[0];
      const script = [...(c?.command ?? []), ...(c?.args ?? [])].join(' ');
      expect(script).toMatch(/rkecis collect --root \/host /);
      expect(script).toContain('--docker-host unix:///host/var/run/docker.sock');
      expect(script).toContain('--node-name "$NODE_NAME"');
      expect(c?.env).toContainEqual({
        name: 'NODE_NAME',
        valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });
      expect(c?.securityContext).toMatchObject({
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
    // Between them, every node: the etcd nodes' DaemonSet and everyone else's.
    const [other, etcd] = daemonSets;
    expect(etcd?.spec.template.spec.nodeSelector).toEqual({
      'node-role.kubernetes.io/etcd': 'true',
    });
    expect(
      other?.spec.template.spec.affinity?.nodeAffinity
        .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    ).toEqual([
      {
        matchExpressions: [
          { key: 'node-role.kubernetes.io/etcd', operator: 'NotIn', values: ['true'] },
        ],
      },
    ]);
  });

  it('mount exactly the host paths rkecis reads, read-only under /host, and write only to /bundles', () => {
    for (const ds of daemonSets) {
      const pod = ds.spec.template.spec;
      const mounts = pod.containers[0]?.volumeMounts ?? [];
      const hostPaths = new Map(
        pod.volumes.flatMap((v) => (v.hostPath !== undefined ? [[v.name, v.hostPath.path]] : [])),
      );
      const mounted = mounts.filter((m) => hostPaths.has(m.name));
      for (const m of mounted) {
        expect(m.readOnly, m.name).toBe(true);
        expect(m.mountPath).toBe(`/host${hostPaths.get(m.name) ?? ''}`);
      }
      const want = HOST_PATHS.filter(
        (p) => p !== '/var/lib/etcd' || ds.metadata.name.endsWith('-etcd'),
      );
      expect([...hostPaths.values()].sort()).toEqual(want.sort());
      // No hostPath type that would create a missing path on the node.
      for (const v of pod.volumes)
        expect(v.hostPath?.type ?? 'emptyDir').not.toMatch(/OrCreate|^$/);
      const writable = mounts.filter((m) => m.readOnly !== true).map((m) => m.mountPath);
      expect(writable).toEqual(['/bundles']);
    }
  });

  it('grant the service account listing PodSecurityPolicies, and the PSP only those read-only host paths', () => {
    const byKind = (k: string) =>
      objects.filter((o) => o.obj.kind === k).map((o) => o.obj as Record<string, unknown> & Obj);
    const sa = byKind('ServiceAccount')[0];
    for (const ds of daemonSets)
      expect(ds.spec.template.spec.serviceAccountName).toBe(sa?.metadata.name);
    const roles = new Map(
      byKind('ClusterRole').map((r) => [r.metadata.name, schemas.ClusterRole.parse(r)]),
    );
    const bindings = [...byKind('ClusterRoleBinding'), ...byKind('RoleBinding')].map((b) =>
      schemas.RoleBinding.or(schemas.ClusterRoleBinding).parse(b),
    );
    const granted = bindings
      .filter((b) =>
        b.subjects.some(
          (s) =>
            s.kind === 'ServiceAccount' &&
            s.name === sa?.metadata.name &&
            s.namespace === sa.metadata.namespace,
        ),
      )
      .flatMap((b) => roles.get(b.roleRef.name)?.rules ?? []);
    expect(granted).toContainEqual({
      apiGroups: ['policy', 'extensions'],
      resources: ['podsecuritypolicies'],
      verbs: ['get', 'list'],
    });
    expect(
      granted.some((r) => r.verbs.includes('use') && r.resourceNames?.includes('rkecis-collector')),
    ).toBe(true);
    // Every list a profile may name, from each API group the collector may list it from.
    for (const [resource, api] of Object.entries(KUBERNETES_RESOURCES))
      for (const gv of api.groupVersions) {
        const group = gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : '';
        expect(
          granted.some(
            (r) =>
              r.verbs.includes('list') &&
              r.resources.includes(resource) &&
              r.apiGroups.includes(group),
          ),
          `list ${resource} in API group "${group}"`,
        ).toBe(true);
      }
    // Never a secret's data.
    for (const r of granted) expect(r.resources).not.toContain('secrets');
    for (const r of granted) expect(r.resources).not.toContain('configmaps');
    // Nothing that writes.
    for (const r of granted) for (const v of r.verbs) expect(['get', 'list', 'use']).toContain(v);
    const psp = schemas.PodSecurityPolicy.parse(byKind('PodSecurityPolicy')[0]);
    expect(psp.spec.allowedHostPaths.map((p) => p.pathPrefix).sort()).toEqual(
      [...HOST_PATHS].sort(),
    );
    expect(psp.spec.allowedHostPaths.every((p) => p.readOnly)).toBe(true);
  });
});

describe('deploy/gather-bundles.sh', () => {
  it("copies each pod's bundle to DIR/<node>.json, and names the pods without one", () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rkecis-gather-'));
    try {
      // A kubectl that knows two pods; the second has not written its bundle.
      writeFileSync(
        join(tmp, 'kubectl'),
        [
          '#!/bin/sh',
          'case "$*" in',
          '  *"get pods"*) printf "rkecis-a node-a\\nrkecis-b node-b\\n" ;;',
          '  *"exec rkecis-a -- cat /bundles/node-a.json"*) echo \'{"bundle": "a"}\' ;;',
          '  *) echo "no such file" >&2; exit 1 ;;',
          'esac',
          '',
        ].join('\n'),
      );
      chmodSync(join(tmp, 'kubectl'), 0o755);
      const out = join(tmp, 'bundles');
      let code = 0;
      let stderr = '';
      try {
        execFileSync('sh', [new URL('gather-bundles.sh', DIR).pathname, out], {
          env: { ...process.env, PATH: `${tmp}:${process.env.PATH ?? ''}` },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        code = (e as { status: number }).status;
        stderr = String((e as { stderr: Buffer }).stderr);
      }
      expect(code).toBe(1);
      expect(stderr).toContain('no bundle from pod rkecis-b (node node-b)');
      expect(readdirSync(out)).toEqual(['node-a.json']);
      expect(readFileSync(join(out, 'node-a.json'), 'utf8')).toBe('{"bundle": "a"}\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
