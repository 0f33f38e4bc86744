import { createClusterMerger } from '../../src/cluster/merge.js';
import type { Role } from '../../src/evidence/schema.js';
import { summarize } from '../../src/report/summary.js';
import type { ClusterReport, NodeReport, Result } from '../../src/report/types.js';
import { HOSTILE, sampleReport } from './sample-report.js';

/**
 * Fixed cluster reports for the cluster formatters' golden files: enough nodes that node lists
 * are cut short ("and 4 more"), mixed controls, a failure waived on some nodes only, an error on
 * some nodes, a value that differs on every node, nodes not scanned, a node cluster.yml does not
 * name, node names that markup and JSON must escape, and both kinds of node maps. The node
 * reports are made from sample-report.ts's fixed results, not evaluated: the golden files change
 * only when a cluster formatter does.
 */
const ALL: Role[] = ['controlplane', 'etcd', 'worker'];
const NODES: [string, Role[]][] = [
  ['cp-1', ALL],
  ['cp-2', ['controlplane', 'etcd']],
  ['etcd-3', ['etcd']],
  // More than NODES_SHOWN (100) pass 2.1.9: the documents cut that list short too.
  ...Array.from({ length: 140 }, (_, i): [string, Role[]] => [
    `worker-${String(i + 1).padStart(3, '0')}`,
    ['worker'],
  ]),
  [`odd <b>&"name"|\`x\` ünï ${HOSTILE.slice(0, 20)}\u0007`, ['worker']],
];

/** Node i's result for one of the sample's controls. */
function onNode(r: Result, i: number): Result {
  const insecure = i % 3 === 1;
  switch (r.id) {
    case '1.1.10':
      return insecure ? r : { ...r, status: 'pass', actual: 'AlwaysAdmit not set' };
    case '1.1.21': {
      // Waived on every other node only.
      const rest = { ...r };
      delete rest.waiver;
      return i % 2 === 0 ? r : rest;
    }
    case '1.4.11': {
      if (i % 4 === 2) return r;
      const passed: Result = { ...r, status: 'pass', actual: '700' };
      delete passed.reason;
      return passed;
    }
    case '2.1.9':
      // A few values of their own, one shared by some nodes, and a pass on most.
      if (i % 13 === 0) return { ...r, actual: `--hostname-override=10.0.0.${i}` };
      if (i % 6 === 0) return { ...r, actual: '--hostname-override=worker' };
      return { ...r, status: 'pass', actual: '--hostname-override not set' };
    default:
      return r;
  }
}

function nodeReport(i: number, name: string, roles: Role[]): NodeReport {
  const base = sampleReport();
  const results = base.results
    .filter((r) => r.role === 'cluster' || roles.includes(r.role))
    .map((r) => onNode(r, i));
  const report: NodeReport = {
    ...base,
    node: { ...base.node, name, roles, collectedAt: `2024-05-06T07:0${i % 10}:00Z` },
    summary: summarize(results),
    results,
  };
  if (i % 2 === 1) delete report.waivers;
  return report;
}

export function sampleClusterReport(nodeMaps: 'all' | 'failing' = 'all'): ClusterReport {
  const m = createClusterMerger();
  NODES.forEach(([name, roles], i) => {
    m.add(nodeReport(i, name, roles), `bundles/${name}.json`);
  });
  m.notScanned({
    name: 'worker-gone',
    roles: ['worker'],
    source: '10.0.0.99:22',
    reason: 'connection refused <&>',
  });
  return m.finish({
    cluster: { name: 'prod & <test>', source: '/srv/cluster.yml' },
    expected: {
      from: '/srv/cluster.yml',
      nodes: [
        ...NODES.slice(0, -1).map(([name, roles]) => ({ name, roles })),
        { name: 'worker-gone', roles: ['worker'] as Role[] },
        { name: 'worker-never', roles: ['worker'] as Role[], source: '10.0.0.100:22' },
      ],
    },
    nodeMaps,
    rkecisVersion: '9.9.9',
    generatedAt: '2026-01-02T03:04:05Z',
  });
}

/** Every node expected was scanned: no table of nodes not scanned. */
export function completeClusterReport(): ClusterReport {
  const m = createClusterMerger();
  for (const [i, [name, roles]] of NODES.slice(0, 4).entries())
    m.add(nodeReport(i, name, roles), `bundles/${name}.json`);
  return m.finish({ cluster: { name: 'small', source: 'bundles' }, nodeMaps: 'all' });
}

/** No node could be scanned: no node, no result. */
export function emptyClusterReport(): ClusterReport {
  const m = createClusterMerger();
  m.notScanned({ name: 'a', roles: ALL, reason: 'no SSH handshake within 10s' });
  return m.finish({ cluster: { name: 'empty', source: 'bundles' } });
}
