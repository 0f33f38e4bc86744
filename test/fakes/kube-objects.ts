import type { Evidence } from '../../src/evidence/schema.js';
import { answer, type KubeRoute } from './kube.js';

/**
 * Routes for fakeKube (kube.ts, with `match: 'path'`) that serve a node's recorded Kubernetes
 * objects so that both readers work against them: rkecis (GET /version and the list) and the
 * guide's own `kubectl get psp restricted -o jsonpath=...` (discovery of /api and /apis, then GET
 * of the one object).
 */
export function evidenceRoutes(node: Evidence): Record<string, KubeRoute> {
  const json = new Map<string, unknown>();
  const k = node.kubernetes;
  json.set('/version', {
    major: '1',
    minor: '11',
    gitVersion: k?.version ?? 'v1.11.5',
    platform: 'linux/amd64',
  });
  json.set('/api', {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
  json.set('/api/v1', { kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
  const groups: { name: string; versions: { groupVersion: string; version: string }[] }[] = [];
  for (const [resource, r] of Object.entries(k?.resources ?? {})) {
    if (r.status !== 'ok') continue;
    const [group = '', version = ''] = r.apiVersion.split('/');
    groups.push({ name: group, versions: [{ groupVersion: r.apiVersion, version }] });
    let kind = 'Unknown';
    const items = Object.values(r.items).map((item) => {
      const rest = { ...(item as Record<string, unknown>) };
      if (typeof rest.kind === 'string') kind = rest.kind;
      return rest;
    });
    json.set(`/apis/${r.apiVersion}`, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: r.apiVersion,
      resources: [
        {
          name: resource,
          singularName: '',
          namespaced: false,
          kind,
          verbs: ['get', 'list'],
          shortNames: resource === 'podsecuritypolicies' ? ['psp'] : [],
        },
      ],
    });
    json.set(`/apis/${r.apiVersion}/${resource}`, {
      kind: `${kind}List`,
      apiVersion: r.apiVersion,
      metadata: { resourceVersion: '1' },
      items: items.map((i) => ({ ...i, apiVersion: undefined, kind: undefined })),
    });
    for (const item of items) {
      const name = (item.metadata as { name?: string } | undefined)?.name;
      if (name !== undefined)
        json.set(`/apis/${r.apiVersion}/${resource}/${name}`, {
          ...item,
          apiVersion: r.apiVersion,
          kind,
        });
    }
  }
  json.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => ({ ...g, preferredVersion: g.versions[0] })),
  });
  return Object.fromEntries([...json].map(([path, body]) => [path, answer(body)]));
}
