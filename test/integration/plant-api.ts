import type { Evidence } from '../../src/evidence/schema.js';
import { resourceOf } from '../../src/profiles/k8s-resources.js';
import { answer, fakeKube, pagedList, type KubeRoute } from '../fakes/kube.js';

/**
 * Objects a page at most, whatever `limit` asks: the API server may send fewer than the limit
 * (and does, e.g. when filtering), so any list longer than this is read over several pages.
 */
export const SERVER_PAGE = 1;

/**
 * An API server serving the example's Kubernetes objects as the real one does, and a kubeconfig
 * for it: `/version`; each listed resource at its group version's path (`/api/v1/...` for the
 * core API), its items sorted by namespace and name without their apiVersion and kind (the list
 * names the kind), paged (`limit`, `continue`). A resource the example shows not served is not
 * routed (404); one the example shows unreadable answers 403.
 */
export async function plantApiServer(node: Evidence) {
  const routes: Record<string, KubeRoute> = {};
  const k = node.kubernetes;
  if (k?.version !== undefined) routes['/version'] = answer({ gitVersion: k.version });
  for (const [resource, r] of Object.entries(k?.resources ?? {})) {
    const api = resourceOf(resource);
    if (api === undefined) throw new Error(`plantApiServer: no API serves ${resource}`);
    const path = (gv: string) => (gv === 'v1' ? `/api/v1/${resource}` : `/apis/${gv}/${resource}`);
    if (r.status === 'not-served') continue;
    if (r.status === 'error') {
      const forbidden = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403 };
      routes[path(api.groupVersions[0] as string)] = answer(
        { ...forbidden, reason: 'Forbidden', message: `${resource} is forbidden` },
        403,
      );
      continue;
    }
    const items = Object.entries(r.items)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => {
        const rest = { ...(item as Record<string, unknown>) };
        delete rest.apiVersion;
        delete rest.kind;
        return rest;
      });
    routes[path(r.apiVersion)] = pagedList(api.kind, r.apiVersion, items, SERVER_PAGE);
  }
  return fakeKube(routes);
}
