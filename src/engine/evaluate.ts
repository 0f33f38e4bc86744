import { ROLE_MARKERS, ROLES, type Role } from '../evidence/constants.js';
import { ownValue } from '../evidence/own.js';
import type { Evidence } from '../evidence/schema.js';
import type { Profile, ProfileControl } from '../profiles/schema.js';
import { summarize } from '../report/summary.js';
import type { NodeReport, Result } from '../report/types.js';
import { runCheck } from './checks/index.js';
import { flagSyntaxOf, parseFlags, type Flags } from './flags.js';
import type { EvalContext } from './verdict.js';

/**
 * Whether the node's evidence holds Kubernetes objects the API actually answered with (a list,
 * or the word that the kind is no longer served): not a block of errors, which is what a node
 * scanned without a kubeconfig, or with one that does not work, carries.
 */
export function kubernetesAnswered(evidence: Evidence): boolean {
  const resources = evidence.kubernetes?.resources;
  if (resources === undefined) return false;
  for (const r of Object.values(resources)) if (r.status !== 'error') return true;
  return false;
}

/**
 * Which controls apply to a node: those of its roles. Cluster-wide controls (Kubernetes API
 * objects, general practices) go with the controlplane role, or with a node whose Kubernetes
 * objects were actually read: a worker scanned without a kubeconfig would otherwise err on
 * 1.7.x and never be compliant, for controls that are not about it.
 */
function applies(control: ProfileControl, roles: ReadonlySet<string>, answered: boolean): boolean {
  if (control.role === 'cluster') return roles.has('controlplane') || answered;
  return roles.has(control.role);
}

/** Why a node that is not a controlplane was not given the cluster-wide controls. */
function clusterSkipReason(evidence: Evidence): string {
  const base =
    'cluster-wide controls go with controlplane nodes, or with a node whose Kubernetes objects were read';
  const first = Object.values(evidence.kubernetes?.resources ?? {}).find(
    (r) => r.status === 'error',
  );
  return first === undefined
    ? `${base} (this node was scanned without the Kubernetes API)`
    : `${base} (the Kubernetes API did not answer this node's scan: ${first.reason})`;
}

/**
 * What evaluation needs of a control beyond its check, worked out once per profile: profiles are
 * data that evaluation never changes, and this runs for every control of every node.
 */
interface ControlPlan {
  control: ProfileControl;
  /** The guide's audit command(s), one per line, labelled where the guide labels them. */
  audit: string;
}

const plans = new WeakMap<Profile, { controls: ControlPlan[]; info: NodeReport['profile'] }>();

function planOf(profile: Profile): { controls: ControlPlan[]; info: NodeReport['profile'] } {
  let plan = plans.get(profile);
  if (plan === undefined) {
    plan = {
      controls: profile.controls.map((control) => ({
        control,
        audit: control.audit
          .map((a) => (a.label === undefined ? a.command : `# ${a.label}\n${a.command}`))
          .join('\n'),
      })),
      // Every report of this profile shares it; frozen, so no consumer can change it for others.
      info: deepFreeze(structuredClone(profileInfo(profile))),
    };
    plans.set(profile, plan);
  }
  return plan;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The Kubernetes version the node runs: the API's own word when the evidence has it, else the tag
 * of a Kubernetes component's image (RKE runs them from rancher/hyperkube:<version>).
 */
function kubernetesVersion(evidence: Evidence): string | undefined {
  if (evidence.kubernetes?.version !== undefined) return evidence.kubernetes.version;
  for (const name of [
    'kube-apiserver',
    'kubelet',
    'kube-proxy',
    'kube-controller-manager',
    'kube-scheduler',
  ]) {
    const c = ownValue(evidence.containers, name, evidence.containers[name]);
    const tag = c?.status === 'present' ? /:(v?\d+\.\d+[^:/@]*)$/.exec(c.image)?.[1] : undefined;
    if (tag !== undefined) return tag;
  }
  return undefined;
}

/** What a report says of its profile. */
export function profileInfo(profile: Profile): NodeReport['profile'] {
  return {
    name: profile.meta.name,
    title: profile.meta.title,
    benchmark: `${profile.meta.benchmark.name} ${profile.meta.benchmark.version}`,
    kubernetes: profile.meta.kubernetes,
    // The self-assessment document mirrors the guide's methodology and headings.
    ...(profile.meta.methodology !== undefined ? { methodology: profile.meta.methodology } : {}),
    groups: profile.meta.groups,
    sections: profile.sections.map((s) => ({
      id: s.id,
      title: s.title,
      ...(s.description !== undefined ? { description: s.description } : {}),
    })),
  };
}

/**
 * Roles the node may have that were not detected because their marker container could not be
 * inspected (a Docker error, not an absent container). Leaving their controls out would let a
 * transient error turn a controlplane into a compliant-looking worker; they are judged instead.
 * `--role` (source `override`) is the user's word and stands as given.
 */
function unconfirmedRoles(evidence: Evidence): Role[] {
  if (evidence.roles.source === 'override') return [];
  return ROLES.filter(
    (r) =>
      !evidence.roles.detected.includes(r) &&
      ownValue(evidence.containers, ROLE_MARKERS[r], evidence.containers[ROLE_MARKERS[r]])
        ?.status === 'error',
  );
}

/**
 * Flags whose value a node's evidence leaves in doubt beyond what its args say, by container, each
 * flag (`--name`) with why: a plan's flag given under two spellings, which RKE writes in random
 * order. A check that reads one is then `error` (a manual one shows nothing certain), as for an
 * argument the component would read in another way than it looks.
 */
export type FlagDoubts = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The context every check kind evaluates in: the node's evidence, and each container's args
 * parsed once, however many controls read them.
 */
export function createEvalContext(evidence: Evidence, doubts?: FlagDoubts): EvalContext {
  const parsed = new Map<string, Flags>();
  return {
    evidence,
    flags(name) {
      let f = parsed.get(name);
      if (f === undefined) {
        const c = ownValue(evidence.containers, name, evidence.containers[name]);
        if (c?.status !== 'present') return undefined;
        f = parseFlags(c.args, flagSyntaxOf(name));
        const extra =
          doubts !== undefined && Object.hasOwn(doubts, name) ? doubts[name] : undefined;
        if (extra !== undefined && Object.keys(extra).length > 0) {
          const unsure = new Map(f.unsure);
          for (const [k, why] of Object.entries(extra)) unsure.set(k, why);
          f = Object.assign(f, { unsure });
        }
        parsed.set(name, f);
      }
      return f;
    },
  };
}

/** evaluate(profile, evidence) -> the node's report. Pure: no I/O, no clock. */
export function evaluate(
  profile: Profile,
  evidence: Evidence,
  options: { doubts?: FlagDoubts } = {},
): NodeReport {
  const ctx = createEvalContext(evidence, options.doubts);
  const uncertain = unconfirmedRoles(evidence);
  const roles = new Set<string>([...evidence.roles.detected, ...uncertain]);
  const results: Result[] = [];
  const skippedByRole = new Map<string, number>();
  const plan = planOf(profile);
  const answered = kubernetesAnswered(evidence);
  for (const { control, audit } of plan.controls) {
    if (!applies(control, roles, answered)) {
      skippedByRole.set(control.role, (skippedByRole.get(control.role) ?? 0) + 1);
      continue;
    }
    const v = runCheck(control.check, ctx);
    // Every result has the same fields in the same order, optional ones undefined when absent
    // (JSON leaves those out, exactly as if they were never set): one object shape for all
    // results, which keeps every loop over them fast, here and in the formatters.
    results.push({
      id: control.id,
      title: control.title,
      section: control.section,
      scored: control.scored,
      role: control.role,
      status: v.status,
      actual: v.actual,
      expected: control.expected ?? v.expected,
      audit,
      remediation: control.remediation,
      guideResult: control.guide.result,
      reason: v.reason,
      notes: control.guide.notes,
      mitigation: control.guide.mitigation,
      erratum: control.erratum,
      found: v.found,
    });
  }
  const detected = ROLES.filter((r) => roles.has(r));
  const rolesReason = [
    evidence.roles.reason,
    ...uncertain.map(
      (r) =>
        `${r} assumed: ${ROLE_MARKERS[r]} could not be inspected, so its controls are judged (as errors where they need it)`,
    ),
  ].filter((x) => x !== undefined && x !== '');
  const version = kubernetesVersion(evidence);
  return {
    profile: plan.info,
    node: {
      name: evidence.node.name,
      ...(evidence.node.hostname !== undefined ? { hostname: evidence.node.hostname } : {}),
      roles: [...detected] as Role[],
      rolesSource: evidence.roles.source,
      ...(rolesReason.length > 0 ? { rolesReason: rolesReason.join('; ') } : {}),
      skipped: [...skippedByRole].map(([role, controls]) => ({
        role,
        controls,
        reason:
          role === 'cluster'
            ? clusterSkipReason(evidence)
            : `this node does not have the ${role} role`,
      })),
      ...(version !== undefined ? { kubernetesVersion: version } : {}),
      ...(evidence.collectedAt !== undefined ? { collectedAt: evidence.collectedAt } : {}),
      ...(evidence.collector?.dockerConnection !== undefined
        ? {
            dockerConnection: `${evidence.collector.dockerHost ?? 'Docker'} (${evidence.collector.dockerConnection})`,
          }
        : {}),
    },
    summary: summarize(results),
    results,
  };
}
