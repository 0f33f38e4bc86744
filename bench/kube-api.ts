import type { Evidence } from '../src/evidence/schema.js';
import { resourceOf } from '../src/profiles/k8s-resources.js';
import { answer, fakeKube, pagedList, type KubeRoute } from '../test/fakes/kube.js';
import { evidenceRoutes } from '../test/fakes/kube-objects.js';
import { SERVER_PAGE } from '../test/integration/plant-api.js';

/**
 * An API server for the benchmark's node: the tests' fake API server (test/fakes/kube.ts)
 * serving the example's PodSecurityPolicies, for rkecis and for the guide's own kubectl audit.
 * Routes match the path alone (kubectl adds ?timeout=32s).
 */
export async function benchApiServer(node: Evidence): Promise<{
  kubeconfig: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  const server = await fakeKube(evidenceRoutes(node), { match: 'path' });
  return {
    kubeconfig: server.kubeconfig,
    requests: () => server.seen.length,
    close: server.close,
  };
}

/** The resources `kubectl get all` lists (their category "all"). */
const IN_ALL = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'daemonsets',
  'deployments',
  'replicasets',
  'statefulsets',
  'horizontalpodautoscalers',
  'cronjobs',
  'jobs',
]);

/**
 * An API server for a later profile's example, for rkecis and for the guide's kubectl: the
 * example's lists as plantApiServer serves them (paged, one object a page, so rkecis reads them
 * as in the live tests), plus the discovery documents kubectl asks for first (/api, /api/v1,
 * /apis, /apis/<group>/<version>), each object by name and each namespaced list per namespace
 * (`kubectl get networkpolicy -n NS`). Routes match the path alone.
 */
export async function profileApiServer(node: Evidence): Promise<{
  kubeconfig: string;
  close: () => Promise<void>;
}> {
  const routes: Record<string, KubeRoute> = {};
  const k = node.kubernetes;
  routes['/version'] = answer({ major: '1', gitVersion: k?.version ?? 'v1.15.12' });
  const byGroupVersion = new Map<string, object[]>();
  for (const [resource, r] of Object.entries(k?.resources ?? {})) {
    const api = resourceOf(resource);
    if (api === undefined) throw new Error(`profileApiServer: no API serves ${resource}`);
    if (r.status !== 'ok') continue;
    const gv = r.apiVersion;
    const list = byGroupVersion.get(gv) ?? [];
    list.push({
      name: resource,
      singularName: '',
      namespaced: api.namespaced,
      kind: api.kind,
      verbs: ['get', 'list'],
      // kubectl's names for them: `get psp`, `get all` (the 1.5 guide's 5.6.4).
      shortNames: resource === 'podsecuritypolicies' ? ['psp'] : [],
      categories: IN_ALL.has(resource) ? ['all'] : [],
    });
    byGroupVersion.set(gv, list);
    const base = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
    const items = Object.entries(r.items)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => {
        const rest = { ...(item as Record<string, unknown>) };
        delete rest.apiVersion;
        delete rest.kind;
        return rest;
      });
    routes[`${base}/${resource}`] = pagedList(api.kind, gv, items, SERVER_PAGE);
    // Each object by name too (the v2.1 guide's `kubectl get psp restricted`).
    for (const item of items) {
      const m = item.metadata as { name?: string; namespace?: string } | undefined;
      if (m?.name === undefined) continue;
      const at = api.namespaced ? `${base}/namespaces/${m.namespace ?? 'default'}` : base;
      routes[`${at}/${resource}/${m.name}`] = answer({ ...item, apiVersion: gv, kind: api.kind });
    }
    if (!api.namespaced) continue;
    const byNamespace = new Map<string, unknown[]>();
    for (const item of items) {
      const ns = (item.metadata as { namespace?: string } | undefined)?.namespace ?? 'default';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), item]);
    }
    const namespaces = k?.resources.namespaces;
    if (namespaces?.status === 'ok')
      for (const item of Object.values(namespaces.items)) {
        const ns = (item as { metadata?: { name?: string } }).metadata?.name;
        if (ns !== undefined && !byNamespace.has(ns)) byNamespace.set(ns, []);
      }
    for (const [ns, nsItems] of byNamespace)
      routes[`${base}/namespaces/${ns}/${resource}`] = pagedList(api.kind, gv, nsItems);
  }
  routes['/api'] = answer({ kind: 'APIVersions', versions: ['v1'] });
  routes['/api/v1'] = answer({
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: byGroupVersion.get('v1') ?? [],
  });
  const groups = [...byGroupVersion.keys()].filter((gv) => gv !== 'v1');
  for (const gv of groups)
    routes[`/apis/${gv}`] = answer({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: gv,
      resources: byGroupVersion.get(gv),
    });
  routes['/apis'] = answer({
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const version = { groupVersion: gv, version: gv.split('/')[1] ?? '' };
      return { name: gv.split('/')[0] ?? '', versions: [version], preferredVersion: version };
    }),
  });
  const server = await fakeKube(routes, { match: 'path' });
  return { kubeconfig: server.kubeconfig, close: server.close };
}
