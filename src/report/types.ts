import type { Role } from '../evidence/schema.js';
import type { CONTROL_ROLES } from '../profiles/schema.js';

export const STATUSES = ['pass', 'fail', 'not-applicable', 'manual', 'error'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * One control's verdict on one node. The JSON field names are a public contract
 * (id, title, section, scored, role, status, actual, expected, audit, remediation, reason).
 */
export interface Result {
  id: string;
  title: string;
  section: string;
  scored: boolean;
  role: (typeof CONTROL_ROLES)[number];
  status: Status;
  /** What the guide's "Returned Value" would show on this node, or why nothing could be shown. */
  actual: string;
  /** What a passing node shows. */
  expected: string;
  /** The guide's audit command(s), one per line. */
  audit: string;
  remediation: string;
  /** Why the control is error, not-applicable or manual. */
  reason?: string;
  notes?: string;
  mitigation?: string;
  /** How the guide's own audit differs from what rkecis checks (errata). */
  erratum?: string;
  /** The verdict Rancher's guide gives its hardened reference node. */
  guideResult: string;
}

export type StatusCounts = Record<Status, number>;

export interface Summary extends StatusCounts {
  total: number;
  scored: StatusCounts & { total: number };
  /**
   * Scored controls that pass, over scored controls that were judged (pass + fail + error):
   * not-applicable and manual are left out, an error counts against. Null when none were judged.
   */
  scoredPassRate: number | null;
}

export interface NodeInfo {
  name: string;
  hostname?: string;
  roles: Role[];
  rolesSource: string;
  rolesReason?: string;
  /** Roles whose controls were left out, with the reason. */
  skipped: { role: string; controls: number; reason: string }[];
}

export interface ProfileInfo {
  name: string;
  title: string;
  benchmark: string;
  kubernetes: string;
}

export interface NodeReport {
  profile: ProfileInfo;
  node: NodeInfo;
  summary: Summary;
  results: Result[];
}
