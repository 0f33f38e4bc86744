import type { FixIntent } from '../../engine/checks/kind.js';
import type { Evidence } from '../../evidence/schema.js';
import type { Profile, ProfileControl } from '../../profiles/schema.js';
import type { NodeReport } from '../../report/types.js';
import type { ClusterYml } from '../cluster-yml.js';
import type { YamlEdit } from './yaml-edit.js';

export interface RemediateInput {
  profile: Profile;
  reports: NodeReport[];
  /** The evidence the reports came from, when the input was evidence: the live args. */
  evidence?: Evidence[];
  /** The cluster.yml to edit: its file name, text and validated content. */
  cluster?: { file: string; text: string; config: ClusterYml };
  /** base64 of 32 random bytes, for encryption.yaml (the caller generates it: this module is pure). */
  encryptionKey: string;
  /** The input file, for comments. */
  source: string;
  /** Where the edited cluster.yml is written, for the README. */
  clusterOut?: string;
  version: string;
}

export type FixKind = 'cluster.yml' | 'host' | 'file' | 'manifest' | 'mitigation' | 'manual';

export interface ControlOutcome {
  id: string;
  title: string;
  role: string;
  scored: boolean;
  nodes: string[];
  how: FixKind;
  /** What rkecis wrote for it, or what a person must do. */
  summary: string;
  /** For mitigation and manual: the guide's mitigation and the profile's remediation. */
  details?: string;
  /** From a plan: a host/API control RKE's deployment is known to fail, fixed ahead of time. */
  deployment: boolean;
}

export interface GeneratedFile {
  name: string;
  content: string;
  /** Holds a secret (the encryption key): never printed. */
  secret?: boolean;
}

export interface Remediation {
  outcomes: ControlOutcome[];
  /** Edits to cluster.yml (services.*.extra_args, pod_security_policy, extra_binds). */
  edits: YamlEdit[];
  /** The edited cluster.yml, when one was given; `exact` when every other byte was kept. */
  clusterYml?: { text: string; exact: boolean };
  /** Without a cluster.yml: the services fragment to merge into it. */
  fragment?: string;
  /** Everything for the output folder, by file name. */
  files: GeneratedFile[];
  warnings: string[];
  /** Controls that could not be evaluated (status error): no fix can be chosen for them. */
  unjudged: { id: string; title: string; nodes: string[]; reason: string }[];
}

/** A control to fix: the nodes it failed on, and how its kind says it is fixed. */
export interface Failure {
  control: ProfileControl;
  nodes: Set<string>;
  /** Only from a plan: a host/API control RKE's deployment is known to fail. */
  deployment: boolean;
  intent: FixIntent;
}
