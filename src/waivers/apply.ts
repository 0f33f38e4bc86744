import { summarize } from '../report/summary.js';
import type { NodeReport, Result, WaiverEntry } from '../report/types.js';
import type { LoadedWaivers, LocatedWaiver } from './load.js';

/** Only a failure or an error can be waived: there is nothing to excuse in the other statuses. */
const waivable = (r: Result): boolean => r.status === 'fail' || r.status === 'error';

/** A waiver is in force through its expiry date (inclusive, UTC). `today` is YYYY-MM-DD. */
export const isExpired = (w: LocatedWaiver, today: string): boolean =>
  w.expires !== undefined && w.expires < today;

/** Without a scope a waiver covers every node; with one, a listed node name or one of its roles. */
function inScope(w: LocatedWaiver, node: NodeReport['node']): boolean {
  if (w.scope === undefined) return true;
  const names = [node.name, ...(node.hostname !== undefined ? [node.hostname] : [])];
  return (
    (w.scope.nodes ?? []).some((n) => names.includes(n)) ||
    (w.scope.roles ?? []).some((r) => node.roles.includes(r))
  );
}

function entry(w: LocatedWaiver, reason?: string): WaiverEntry {
  return {
    control: w.control,
    ...(w.scope !== undefined ? { scope: w.scope } : {}),
    justification: w.justification,
    ...(w.approvedBy !== undefined ? { approvedBy: w.approvedBy } : {}),
    ...(w.expires !== undefined ? { expires: w.expires } : {}),
    source: w.source,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** Why a waiver in force covered nothing on this node, so an auditor can prune or fix it. */
function unusedReason(
  w: LocatedWaiver,
  report: NodeReport,
  usedBy: ReadonlyMap<string, LocatedWaiver>,
): string {
  const result = report.results.find((r) => r.id === w.control);
  if (result === undefined) {
    return `control ${w.control} was not evaluated on this node (not in profile ${report.profile.name}, or not for this node's roles)`;
  }
  if (!inScope(w, report.node)) {
    return `out of scope: node ${report.node.name} (roles ${report.node.roles.join(', ') || 'none'}) is not in its scope`;
  }
  if (!waivable(result)) return `control ${w.control} did not fail on this node (${result.status})`;
  const first = usedBy.get(w.control);
  return first === undefined
    ? 'not applied'
    : `an earlier waiver (${first.source}) already covers control ${w.control}`;
}

/**
 * Marks the failures and errors that a waiver covers; the first waiver in file order that is in
 * force and in scope wins. A waived result keeps its status: auditors still see the failure,
 * only the exit code stops counting it. Pure: returns a new report, `today` is given.
 */
export function applyWaivers(report: NodeReport, loaded: LoadedWaivers, today: string): NodeReport {
  const active = loaded.waivers.filter((w) => !isExpired(w, today));
  const usedBy = new Map<string, LocatedWaiver>();
  const used = new Set<LocatedWaiver>();
  const results = report.results.map((r): Result => {
    if (!waivable(r)) return r;
    const w = active.find((x) => x.control === r.id && inScope(x, report.node));
    if (w === undefined) return r;
    used.add(w);
    usedBy.set(r.id, w);
    return {
      ...r,
      waiver: {
        justification: w.justification,
        ...(w.approvedBy !== undefined ? { approvedBy: w.approvedBy } : {}),
        ...(w.expires !== undefined ? { expires: w.expires } : {}),
        source: w.source,
      },
    };
  });
  return {
    ...report,
    summary: {
      ...summarize(results),
      waived: results.filter((r) => r.waiver !== undefined).length,
    },
    results,
    waivers: {
      file: loaded.file,
      applied: active.filter((w) => used.has(w)).map((w) => entry(w)),
      expired: loaded.waivers.filter((w) => isExpired(w, today)).map((w) => entry(w)),
      unused: active
        .filter((w) => !used.has(w))
        .map((w) => entry(w, unusedReason(w, report, usedBy))),
    },
  };
}
