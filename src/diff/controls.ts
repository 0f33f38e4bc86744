import type { NodeReport, Result } from '../report/types.js';
import { compareIds } from '../report/order.js';
import { ABSENT, type ChangeKind, type ControlChange, type SideStatus } from './types.js';

const failing = (s: SideStatus): boolean => s === 'fail' || s === 'error';

export function changeKind(from: SideStatus, to: SideStatus): ChangeKind {
  if (failing(to) && !failing(from)) return 'new-failure';
  // Absent is not fixed: b says nothing of the control, so a failure in a is not shown gone.
  if (to === ABSENT && from !== ABSENT) return 'no-longer-evaluated';
  if (failing(from) && !failing(to)) return 'fixed';
  return 'changed';
}

/** The controls whose status differs between two reports of a node, in control id order. */
export function diffControls(a: NodeReport, b: NodeReport): ControlChange[] {
  const before = new Map<string, Result>(a.results.map((r) => [r.id, r]));
  const after = new Map<string, Result>(b.results.map((r) => [r.id, r]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareIds);
  const out: ControlChange[] = [];
  for (const id of ids) {
    const ra = before.get(id);
    const rb = after.get(id);
    const from: SideStatus = ra?.status ?? ABSENT;
    const to: SideStatus = rb?.status ?? ABSENT;
    if (from === to) continue;
    const r = (rb ?? ra) as Result;
    out.push({
      node: rb !== undefined ? b.node.name : a.node.name,
      id,
      title: r.title,
      scored: r.scored,
      kind: changeKind(from, to),
      from,
      to,
      ...(ra !== undefined ? { actualFrom: ra.actual } : {}),
      ...(rb !== undefined ? { actualTo: rb.actual } : {}),
    });
  }
  return out;
}
