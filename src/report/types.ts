import type { Role } from '../evidence/schema.js';
import type { CONTROL_ROLES } from '../profiles/schema.js';

/**
 * What a verdict found, as data, in the manner of ESLint's messageId: a stable id, one of its
 * check kind's messages, and the values that decided it (the flags' values, the file modes, the
 * object's fields). `actual` is the message's text of this data; `plan` and `remediate` read the
 * data, never the text. Part of the JSON contract: each result carries it as `found`.
 */
export interface Found {
  id: string;
  data: Readonly<Record<string, unknown>>;
}

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
  /**
   * What the verdict found, as data: a stable id (its check kind's message) and the values that
   * decided it; `actual` is its text. What `rkecis remediate` reads of a report.
   */
  found?: Found;
  /** Set when a waiver covers this failure or error: it stays a failure, but no longer fails the run. */
  waiver?: AppliedWaiver;
}

/** A waiver as it applied to one result (see src/waivers). */
export interface AppliedWaiver {
  justification: string;
  approvedBy?: string;
  /** Last day the waiver applies (YYYY-MM-DD, UTC). */
  expires?: string;
  /** Where the waiver is written: file:line:column. */
  source: string;
}

/** One waiver of the waivers file, as listed in the report. */
export interface WaiverEntry {
  control: string;
  scope?: { nodes?: string[]; roles?: string[] };
  justification: string;
  approvedBy?: string;
  expires?: string;
  source: string;
  /** Why an unused waiver did not apply. */
  reason?: string;
}

export interface WaiversInfo {
  file: string;
  /** Waivers that covered a failure or error on this node. */
  applied: WaiverEntry[];
  /** Waivers past their expiry date: they covered nothing. */
  expired: WaiverEntry[];
  /** Waivers in force that covered nothing on this node, each with the reason. */
  unused: WaiverEntry[];
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
  /** Failures and errors covered by a waiver (they are still counted as fail and error above). */
  waived?: number;
}

export interface NodeInfo {
  name: string;
  hostname?: string;
  roles: Role[];
  rolesSource: string;
  rolesReason?: string;
  /** Roles whose controls were left out, with the reason. */
  skipped: { role: string; controls: number; reason: string }[];
  /** The Kubernetes version the node runs, from the API or the component images, when known. */
  kubernetesVersion?: string;
  /** When the evidence was collected (ISO 8601), as the bundle says. */
  collectedAt?: string;
  /** How the Docker engine was reached ("tcp://h:2375 (plain TCP: not encrypted, ...)"), when known. */
  dockerConnection?: string;
}

/** Why a report's profile is the one it is (README: Which profile). */
export interface ProfileChoiceInfo {
  /** `named with --profile`, or the Kubernetes version, where it was read and the table's row. */
  reason: string;
  /** The Kubernetes version the profile was chosen for (`v1.15.12`), when chosen by version. */
  version?: string;
  /** A cluster's nodes by the Kubernetes version they show, when they do not all show one. */
  nodeVersions?: { version: string; nodes: string[] }[];
}

export interface ProfileInfo {
  name: string;
  title: string;
  benchmark: string;
  kubernetes: string;
  /** The guide's "Testing controls methodology", shown in the self-assessment document. */
  methodology?: string;
  /** Top-level groups of sections ("1 - Master Node Security Configuration"). */
  groups?: { id: string; title: string }[];
  /** Section titles, in the guide's order. */
  sections?: { id: string; title: string; description?: string }[];
  /** Why this profile judged the node or cluster; set by the CLI. */
  choice?: ProfileChoiceInfo;
}

export interface NodeReport {
  /** The rkecis version that made the report; set by the CLI. */
  rkecisVersion?: string;
  /** When the report was made (ISO 8601); set by the CLI, so formatters never read the clock. */
  generatedAt?: string;
  profile: ProfileInfo;
  node: NodeInfo;
  summary: Summary;
  results: Result[];
  /** Present when a waivers file was given. */
  waivers?: WaiversInfo;
}

/**
 * A whole cluster's report (`rkecis cluster`): every control with its status on each node and
 * one overall status. The JSON keeps the node report's field names (profile, summary, results
 * with id, title, ..., status, actual, expected, audit, remediation, reason) and adds, per
 * result, `nodes: {<node name>: <status>}`. `kind` tells it from a node report.
 */
export const CLUSTER_STATUSES = [...STATUSES, 'mixed'] as const;
/** `mixed`: the nodes that evaluated the control do not all agree (failingNodes lists which fail). */
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** One distinct outcome of a control across nodes: the nodes whose result reads the same. */
export interface ClusterFinding {
  status: Status;
  actual: string;
  reason?: string;
  waiver?: AppliedWaiver;
  /** What the first node with this outcome found (see Result.found); the same text comes of the same data. */
  found?: Found;
  /** How many nodes gave this outcome. */
  count: number;
  /** Their names, sorted; left out for passing outcomes when the report keeps failing nodes only. */
  nodes?: string[];
}

export interface ClusterResult extends Omit<Result, 'status'> {
  status: ClusterStatus;
  /** `node`: evaluated on each node that has the role; `cluster`: evaluated once for the cluster (1.6.x, 1.7.x). */
  scope: 'node' | 'cluster';
  /** Node name -> its status. Empty for cluster-scoped controls. See ClusterReport.nodeMaps. */
  nodes: Record<string, Status>;
  /** Nodes where the control fails or could not be evaluated (error), sorted. */
  failingNodes: string[];
  /** The distinct outcomes, failures first; a control with one outcome has one finding. */
  findings: ClusterFinding[];
}

export interface ClusterSummary extends Summary {
  mixed: number;
  scored: Summary['scored'] & { mixed: number };
}

export interface ClusterNodeInfo {
  name: string;
  /** Where it was reached (cluster.yml address:port), or the bundle file it came from. */
  source?: string;
  hostname?: string;
  roles: Role[];
  rolesSource: string;
  rolesReason?: string;
  kubernetesVersion?: string;
  collectedAt?: string;
  summary: Summary;
}

export interface NotScannedNode {
  name: string;
  /** Declared roles (cluster.yml); empty when unknown (a bundle that could not be read). */
  roles: Role[];
  source?: string;
  reason: string;
}

export interface Coverage {
  /** What the expected node list comes from: cluster.yml, or the bundle files themselves. */
  expectedFrom: string;
  expected: number;
  scanned: number;
  /** True when every expected node was scanned. */
  complete: boolean;
  byRole: { role: Role; expected: number; scanned: number }[];
  notScanned: NotScannedNode[];
  /** Scanned nodes that the expected list does not name (a bundle of another node). */
  unexpected: string[];
}

export interface ClusterReport {
  kind: 'cluster';
  rkecisVersion?: string;
  generatedAt?: string;
  profile: ProfileInfo;
  cluster: {
    name: string;
    /** The cluster.yml or bundle folder the scan was made from. */
    source: string;
    /** Where the cluster-scoped controls' Kubernetes evidence came from. */
    clusterEvidence?: string;
    kubernetesVersion?: string;
  };
  coverage: Coverage;
  /** The scanned nodes, by name. */
  nodes: ClusterNodeInfo[];
  /**
   * `all`: every result's `nodes` map names every node that evaluated it. `failing`: only the
   * failing nodes (fail, error) are named, in `nodes` and in findings; counts stay complete.
   */
  nodeMaps: 'all' | 'failing';
  summary: ClusterSummary;
  results: ClusterResult[];
  waivers?: WaiversInfo;
  /**
   * Set on `rkecis plan`'s report: how the nodes were planned from cluster.yml (nothing was
   * scanned); documents say so in their header and methodology.
   */
  plan?: string;
}

/** Either kind of report, as formatters accept them. */
export type AnyReport = NodeReport | ClusterReport;

export const isClusterReport = (r: AnyReport): r is ClusterReport =>
  (r as { kind?: unknown }).kind === 'cluster';
