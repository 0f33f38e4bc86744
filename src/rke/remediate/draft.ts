import type { ProfileControl } from '../../profiles/schema.js';
import { clusterYmlSchema, type ClusterYml } from '../cluster-yml.js';
import type { HostBlock, ScriptTarget } from './host-script.js';
import type { ControlOutcome, Failure, FixKind, GeneratedFile, RemediateInput } from './types.js';
import type { YamlEdit } from './yaml-edit.js';

/** A one-node cluster with every role, for RKE's defaults when no cluster.yml is given. */
export const SYNTHETIC: unknown = {
  nodes: [{ address: '10.0.0.1', role: ['controlplane', 'etcd', 'worker'] }],
};

/** What the steps of a remediation build together, in the order they add to it. */
export interface Draft {
  input: RemediateInput;
  /** The cluster.yml given, else the synthetic one-node cluster (RKE's defaults). */
  base: ClusterYml;
  warnings: string[];
  /** By control id, in the order the steps decide them (the README's and the summary's order). */
  outcomes: Map<string, ControlOutcome>;
  edits: YamlEdit[];
  blocks: Record<ScriptTarget, HostBlock[]>;
  /** By file name, in the order they were first added. */
  files: Map<string, GeneratedFile>;
  /** File name -> the controls it is for. */
  fileFor: Map<string, string[]>;
}

export function startDraft(input: RemediateInput, warnings: string[]): Draft {
  return {
    input,
    base: input.cluster?.config ?? clusterYmlSchema.parse(SYNTHETIC),
    warnings,
    outcomes: new Map(),
    edits: [],
    blocks: { all: [], controlplane: [], etcd: [], worker: [] },
    files: new Map(),
    fileFor: new Map(),
  };
}

/** Records how a failure is fixed (a later step may revise it). */
export function outcome(
  draft: Draft,
  f: Failure,
  how: FixKind,
  summary: string,
  details?: string,
): ControlOutcome {
  const o: ControlOutcome = {
    id: f.control.id,
    title: f.control.title,
    role: f.control.role,
    scored: f.control.scored,
    nodes: [...f.nodes],
    how,
    summary,
    deployment: f.deployment,
    ...(details !== undefined ? { details } : {}),
  };
  draft.outcomes.set(f.control.id, o);
  return o;
}

export function addFile(
  draft: Draft,
  name: string,
  content: string,
  ids: string[],
  secret = false,
): void {
  draft.files.set(name, { name, content, ...(secret ? { secret } : {}) });
  draft.fileFor.set(name, [...new Set([...(draft.fileFor.get(name) ?? []), ...ids])]);
}

/** What a person must do instead: why, the guide's mitigation (or notes), the profile's remediation. */
export const mitigationText = (c: ProfileControl, why: string): string =>
  [
    why,
    ...(c.guide.mitigation !== undefined ? [`Mitigation (the guide): ${c.guide.mitigation}`] : []),
    ...(c.guide.notes !== undefined && c.guide.mitigation === undefined
      ? [`The guide's notes: ${c.guide.notes}`]
      : []),
    `Remediation (the profile): ${c.remediation}`,
  ].join('\n\n');
