import type { Evidence } from '../src/evidence/schema.js';
import { fakeKube } from '../test/fakes/kube.js';
import { evidenceRoutes } from '../test/fakes/kube-objects.js';

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
