import { ROLES, type Role } from '../evidence/constants.js';
import type { ClusterNodeInfo, Coverage, NotScannedNode } from '../report/types.js';

export interface ExpectedNode {
  name: string;
  roles: Role[];
  source?: string;
}

/** The nodes a cluster should have, and where that list comes from (cluster.yml). */
export interface ExpectedNodes {
  from: string;
  nodes: ExpectedNode[];
}

export const byName = (a: string | undefined, b: string | undefined): number =>
  (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;

/**
 * Which nodes were scanned of those expected (cluster.yml's, else every node found), per role,
 * and which were not, with why.
 */
export function coverage(
  scanned: readonly string[],
  nodes: readonly ClusterNodeInfo[],
  missing: readonly NotScannedNode[],
  expected: ExpectedNodes | undefined,
): Coverage {
  const scannedSet = new Set(scanned);
  if (expected === undefined) {
    const all: ExpectedNode[] = [
      ...nodes.map((n) => ({ name: n.name, roles: n.roles })),
      ...missing.map((m) => ({ name: m.name, roles: m.roles })),
    ];
    return {
      expectedFrom: 'the nodes found',
      expected: all.length,
      scanned: scanned.length,
      complete: missing.length === 0,
      byRole: byRole(all, scannedSet),
      notScanned: [...missing].sort((a, b) => byName(a.name, b.name)),
      unexpected: [],
    };
  }
  const want = new Set(expected.nodes.map((n) => n.name));
  const reported = new Set(missing.map((m) => m.name));
  const notScanned: NotScannedNode[] = [
    ...missing,
    ...expected.nodes
      .filter((n) => !scannedSet.has(n.name) && !reported.has(n.name))
      .map((n) => ({
        name: n.name,
        roles: n.roles,
        ...(n.source !== undefined ? { source: n.source } : {}),
        reason: 'no evidence for this node was found',
      })),
  ].sort((a, b) => byName(a.name, b.name));
  return {
    expectedFrom: expected.from,
    expected: expected.nodes.length,
    scanned: expected.nodes.filter((n) => scannedSet.has(n.name)).length,
    complete: notScanned.length === 0,
    byRole: byRole(expected.nodes, scannedSet),
    notScanned,
    unexpected: scanned.filter((n) => !want.has(n)),
  };
}

function byRole(all: readonly ExpectedNode[], scanned: ReadonlySet<string>): Coverage['byRole'] {
  return ROLES.map((role) => {
    const having = all.filter((n) => n.roles.includes(role));
    return {
      role,
      expected: having.length,
      scanned: having.filter((n) => scanned.has(n.name)).length,
    };
  });
}
