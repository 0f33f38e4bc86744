import type { NodeReport, Result } from '../report/types.js';
import { compareIds } from '../report/order.js';
import {
  ABSENT,
  type ChangeKind,
  type ControlChange,
  type ProfileMismatch,
  type SideStatus,
} from './types.js';

const failing = (s: SideStatus): boolean => s === 'fail' || s === 'error';

export function changeKind(from: SideStatus, to: SideStatus): ChangeKind {
  if (failing(to) && !failing(from)) return 'new-failure';
  // Absent is not fixed: b says nothing of the control, so a failure in a is not shown gone.
  if (to === ABSENT && from !== ABSENT) return 'no-longer-evaluated';
  if (failing(from) && !failing(to)) return 'fixed';
  return 'changed';
}

/**
 * What cannot be compared between reports of two profiles: a control of one report only (not in
 * the other's profile, or not evaluated there: a report cannot tell which), or one whose title
 * differs (CIS renumbers controls between versions). Undefined when the profiles are the same.
 */
export function profileMismatch(a: NodeReport, b: NodeReport): ProfileMismatch | undefined {
  if (a.profile.name === b.profile.name) return undefined;
  const before = new Map<string, Result>(a.results.map((r) => [r.id, r]));
  const after = new Map<string, Result>(b.results.map((r) => [r.id, r]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareIds);
  const notCompared = ids.filter((id) => before.get(id)?.title !== after.get(id)?.title);
  const judged = new Set(['pass', 'fail', 'error']);
  return {
    a: a.profile.name,
    b: b.profile.name,
    notCompared,
    judgedInA: notCompared.filter((id) => judged.has(before.get(id)?.status ?? '')),
  };
}

/**
 * The controls whose status differs between two reports of a node, in control id order. Reports
 * of different profiles are compared on the controls with the same id and title only.
 */
export function diffControls(a: NodeReport, b: NodeReport): ControlChange[] {
  const before = new Map<string, Result>(a.results.map((r) => [r.id, r]));
  const after = new Map<string, Result>(b.results.map((r) => [r.id, r]));
  const skip = new Set(profileMismatch(a, b)?.notCompared ?? []);
  const ids = [...new Set([...before.keys(), ...after.keys()])]
    .filter((id) => !skip.has(id))
    .sort(compareIds);
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
