import { createClusterMerger } from '../../src/cluster/merge.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence, Role } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { applyWaivers } from '../../src/waivers/apply.js';
import { loadWaivers } from '../../src/waivers/load.js';
import { HOSTILE } from './sample-report.js';

/**
 * Fixed cluster reports for the cluster formatters' golden files: enough nodes that node lists
 * are cut short ("and 4 more"), mixed controls, waived failures on some nodes, nodes not scanned,
 * a node cluster.yml does not name, node names that markup and JSON must escape, and both kinds
 * of node maps. Evidence comes from the example nodes, so the reports follow the profile.
 */
const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const insecure = readEvidence('examples/insecure-node.json');
const waivers = loadWaivers('examples/waivers-rancher-known-failures.yaml');

const ALL: Role[] = ['controlplane', 'etcd', 'worker'];
const NODES: [string, Evidence, Role[]][] = [
  ['cp-1', hardened, ALL],
  ['cp-2', insecure, ['controlplane', 'etcd']],
  ['etcd-3', hardened, ['etcd']],
  ...Array.from({ length: 9 }, (_, i): [string, Evidence, Role[]] => [
    `worker-${String(i + 1).padStart(2, '0')}`,
    i % 3 === 1 ? insecure : hardened,
    ['worker'],
  ]),
  [`odd <b>&"name"|\`x\` ünï ${HOSTILE.slice(0, 20)}\u0007`, insecure, ['worker']],
];

function nodeReport(name: string, ev: Evidence, roles: Role[], waived: boolean): NodeReport {
  const report: NodeReport = {
    rkecisVersion: '9.9.9',
    generatedAt: '2026-01-02T03:04:05Z',
    ...evaluate(profile, {
      ...ev,
      node: { name },
      roles: { detected: roles, source: 'declared' },
    }),
  };
  return waived ? applyWaivers(report, waivers, '2026-01-02') : report;
}

export function sampleClusterReport(nodeMaps: 'all' | 'failing' = 'all'): ClusterReport {
  const m = createClusterMerger({ profile });
  // Waivers on every other node: some failures are waived on some nodes only.
  NODES.forEach(([name, ev, roles], i) => {
    m.add(nodeReport(name, ev, roles, i % 2 === 0), `bundles/${name}.json`);
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
        ...NODES.slice(0, -1).map(([name, , roles]) => ({ name, roles })),
        { name: 'worker-gone', roles: ['worker'] as Role[] },
        { name: 'worker-never', roles: ['worker'] as Role[], source: '10.0.0.100:22' },
      ],
    },
    nodeMaps,
    rkecisVersion: '9.9.9',
    generatedAt: '2026-01-02T03:04:05Z',
  });
}

/** No node could be scanned: every node-scoped control is an error. */
export function emptyClusterReport(): ClusterReport {
  const m = createClusterMerger({ profile });
  m.notScanned({ name: 'a', roles: ALL, reason: 'no SSH handshake within 10s' });
  return m.finish({ cluster: { name: 'empty', source: 'bundles' } });
}
