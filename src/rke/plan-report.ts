import { evaluate } from '../engine/evaluate.js';
import { describeTest } from '../engine/tests.js';
import type { Evidence } from '../evidence/schema.js';
import { isFlagGroup } from '../profiles/flag-items.js';
import type { Check, FlagItem, Profile, ProfileControl } from '../profiles/schema.js';
import { summarize } from '../report/summary.js';
import type { NodeReport, Result } from '../report/types.js';
import { planEvidence, type PlannedNode } from './plan.js';

/** Check kinds a cluster.yml decides: the containers' flags. The others need the live node or API. */
export const PLANNABLE_KINDS: ReadonlySet<string> = new Set(['flag', 'cipher-list', 'fixed']);

/** What RKE v0.1.x does with the host paths the profile checks, where it is known. */
const RKE_HOST_PATHS: Record<string, { failsByDefault: boolean; note: string }> = {
  '/var/lib/etcd': {
    failsByDefault: true,
    note: 'RKE v0.1.x creates it 755 root:root (the guide fails 1.4.11 and 1.4.12 there); rkecis remediate writes the chmod/chown commands and the etcd user',
  },
  '/etc/kubernetes/encryption.yaml': {
    failsByDefault: true,
    note: 'RKE v0.1.x does not create it: write it on every controlplane node, mode 0600 root:root, aescbc first with a 32-byte key (rkecis remediate writes one with a fresh key)',
  },
};
const RKE_WRITES_644 =
  'RKE v0.1.x writes it 644 root:root, which passes; rkecis scan on the deployed node confirms it';

/**
 * Whether a host or API control that a plan reports manual is known to fail on a cluster RKE
 * v0.1.x deploys, whatever cluster.yml says: remediate then writes the deployment's fix.
 */
export function failsAfterRkeDeploy(c: ProfileControl): boolean {
  const check = c.check;
  switch (check.kind) {
    case 'file-mode':
    case 'file-owner':
      return check.paths.some((p) => RKE_HOST_PATHS[p]?.failsByDefault === true);
    case 'file-content':
      return RKE_HOST_PATHS[check.path]?.failsByDefault === true;
    case 'k8s-object':
      return check.resource === 'podsecuritypolicies';
    default:
      return false;
  }
}

const list = (paths: readonly string[]): string => paths.join(', ');

/**
 * For a control that only the deployed node or the Kubernetes API can answer: what the
 * deployment must also do, beyond cluster.yml, for it to pass.
 */
export function deploymentRequirement(c: ProfileControl): string {
  const roleText = c.role === 'cluster' ? 'the cluster' : `each ${c.role} node`;
  const check = c.check;
  switch (check.kind) {
    case 'file-mode':
    case 'file-owner': {
      const want =
        check.kind === 'file-mode'
          ? `mode ${check.max} or more restrictive`
          : `owned by ${check.owner}`;
      const what =
        check.target === 'entries' ? `every entry of ${list(check.paths)}` : list(check.paths);
      const notes = check.paths.map((p) => {
        const known = RKE_HOST_PATHS[p];
        if (known !== undefined) return known.note;
        if (p.startsWith('/etc/kubernetes/ssl/')) return RKE_WRITES_644;
        return 'written by RKE or the network plugin at deployment; rkecis scan on the node checks it';
      });
      return `Not decided by cluster.yml: on ${roleText}, ${what} must be ${want}. ${[...new Set(notes)].join('; ')}.`;
    }
    case 'file-content': {
      const known = RKE_HOST_PATHS[check.path];
      return `Not decided by cluster.yml: on ${roleText}, ${check.path} must hold ${describeTest(check.select, check.test)}. ${
        known?.note ?? 'rkecis scan on the node checks it'
      }.`;
    }
    case 'k8s-object':
      return `Not decided by cluster.yml: after \`rke up\`, the ${check.resource} object "${check.name}" must exist with ${check.tests
        .map((t) => describeTest(t.field, t))
        .join(
          check.match === 'all' ? ' and ' : ' or ',
        )}. RKE v0.1.x creates only a permissive default-psp: apply the restricted PodSecurityPolicy, its ClusterRole and binding (rkecis remediate writes the manifest), and check with \`rkecis scan --kubeconfig\`.`;
    default:
      return 'Not decided by cluster.yml.';
  }
}

/**
 * The planned node's report: container-flag controls evaluated on the planned args; file,
 * content and Kubernetes-object controls manual, with what the deployment must also do.
 */
export function planReport(profile: Profile, evidence: Evidence): NodeReport {
  const report = evaluate(profile, evidence);
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  const results = report.results.map((r): Result => {
    const c = byId.get(r.id);
    if (c === undefined || PLANNABLE_KINDS.has(c.check.kind)) return r;
    return {
      ...r,
      status: 'manual',
      actual: 'known only on the deployed node (rkecis scan)',
      reason: deploymentRequirement(c),
    };
  });
  return { ...report, summary: summarize(results), results };
}

const keyOf = (flag: string): string => `--${flag.replace(/^--?/, '')}`;

function testedFlags(items: readonly FlagItem[]): string[] {
  return items.flatMap((i) => (isFlagGroup(i) ? testedFlags(i.tests) : [keyOf(i.flag)]));
}

/** The container flags a check's verdict depends on, keyed as parseFlags keys them. */
function flagsRead(check: Check): { container: string; keys: string[] } | undefined {
  switch (check.kind) {
    case 'flag':
      return { container: check.container, keys: testedFlags(check.tests) };
    case 'cipher-list':
      return { container: check.container, keys: [keyOf(check.flag)] };
    case 'fixed':
      return check.show !== undefined
        ? { container: check.show.container, keys: check.show.flags.map(keyOf) }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * A planned node's report: planReport on its planned args, and `error` for every flag control
 * whose flag the plan cannot decide (given under two spellings, in RKE's random map order):
 * either value may be the one the component takes, so neither may plan as a pass.
 */
export function planNodeReport(profile: Profile, node: PlannedNode, source: string): NodeReport {
  const report = planReport(profile, planEvidence(node, source));
  const doubts = new Map(node.containers.map((c) => [c.name as string, c.ambiguous]));
  if ([...doubts.values()].every((d) => Object.keys(d).length === 0)) return report;
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  const results = report.results.map((r): Result => {
    const c = byId.get(r.id);
    const read = c !== undefined ? flagsRead(c.check) : undefined;
    if (read === undefined) return r;
    const ambiguous = doubts.get(read.container) ?? {};
    const why = read.keys.map((k) => ambiguous[k]).find((w) => w !== undefined);
    if (why === undefined) return r;
    // A verdict the guide gives (manual) stands; only the evidence it shows is in doubt.
    if (c?.check.kind === 'fixed') return { ...r, actual: `nothing certain to show: ${why}` };
    return { ...r, status: 'error', actual: why, reason: why };
  });
  return { ...report, summary: summarize(results), results };
}
