import type { Evidence } from '../evidence/schema.js';
import type { NodeReport, Status } from '../report/types.js';

/** One node of one side of a diff: its report, and its evidence when the side carries it. */
export interface DiffNode {
  report: NodeReport;
  evidence?: Evidence;
}

/** One side of a diff: a stored scan, a report file or an evidence bundle. */
export interface DiffSide {
  /** How the user named it: a scan id or a file. */
  label: string;
  /** When it was scanned, if known (ISO 8601). */
  scannedAt?: string;
  nodes: DiffNode[];
}

/** A control's status where it was not evaluated on that side (the node lacks the role). */
export const ABSENT = 'absent';
export type SideStatus = Status | typeof ABSENT;

/**
 * new-failure: fails (or errors) now and did not before; no-longer-evaluated: evaluated in a,
 * not in b (the node lost a role, or the scan no longer reached what the control reads): a
 * failure that is no longer evaluated is not fixed; fixed: failed (or erred) before and
 * passes, or is not applicable or manual, now; changed: any other status change (e.g. pass to
 * manual, or evaluated in b only).
 */
export type ChangeKind = 'new-failure' | 'no-longer-evaluated' | 'fixed' | 'changed';

export interface ControlChange {
  /** The node on side b (on side a when gone from b). */
  node: string;
  id: string;
  title: string;
  scored: boolean;
  kind: ChangeKind;
  from: SideStatus;
  to: SideStatus;
  actualFrom?: string;
  actualTo?: string;
}

export type EvidenceArea = 'node' | 'roles' | 'container' | 'file' | 'kubernetes';

export interface EvidenceChange {
  node: string;
  area: EvidenceArea;
  /** The container, path, or resource/name the change is in. */
  subject: string;
  change: 'added' | 'removed' | 'changed';
  /** What changed within the subject: a flag, "mode", "owner", a field path... ("" for the subject itself). */
  item: string;
  from?: string;
  to?: string;
}

export interface NodePair {
  a: string;
  b: string;
  /** False when a side has no evidence (a report file), so evidence was not compared. */
  evidenceCompared: boolean;
  /** Set when the two reports were judged by different profiles. */
  profiles?: ProfileMismatch;
}

/**
 * Two reports of different profiles: only the controls with the same id and the same title in
 * both are compared; the others are listed, never shown as fixed or as failing.
 */
export interface ProfileMismatch {
  a: string;
  b: string;
  /** Ids of the controls not compared: in one report only, or titled differently. */
  notCompared: string[];
  /** Those of them that a judged (pass, fail or error): b cannot vouch for them. */
  judgedInA: string[];
}

export interface ScanDiff {
  a: { label: string; scannedAt?: string; nodes: string[] };
  b: { label: string; scannedAt?: string; nodes: string[] };
  pairs: NodePair[];
  nodesAdded: string[];
  nodesGone: string[];
  /** New failures first, then fixes, then other changes; by node, then control id. */
  controls: ControlChange[];
  evidence: EvidenceChange[];
  summary: {
    newFailures: number;
    /** Controls evaluated in a and not in b; those judged in a (pass, fail, error) fail --fail-on-new. */
    noLongerEvaluated: number;
    fixed: number;
    changed: number;
    evidenceChanges: number;
    /** Controls not compared because the profiles differ (NodePair.profiles), when any. */
    notCompared?: number;
  };
}
