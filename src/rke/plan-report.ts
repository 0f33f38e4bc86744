import { kindOf } from '../engine/checks/index.js';
import type { DeploymentNeed } from '../engine/checks/kind.js';
import { evaluate, type FlagDoubts } from '../engine/evaluate.js';
import type { Evidence } from '../evidence/schema.js';
import type { Profile, ProfileControl } from '../profiles/schema.js';
import { summarize } from '../report/summary.js';
import type { NodeReport, Result } from '../report/types.js';
import { planEvidence, type PlannedNode } from './plan.js';

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

/** What a plan needs of the deployment for a control, or `args` when the planned args decide it. */
export const planOfControl = (c: ProfileControl): 'args' | DeploymentNeed =>
  kindOf(c.check).plan(c.check);

/** Whether RKE v0.1.x is known to leave this need unmet, whatever cluster.yml says. */
function rkeFails(need: DeploymentNeed): boolean {
  switch (need.what) {
    case 'files':
      return need.paths.some((p) => RKE_HOST_PATHS[p]?.failsByDefault === true);
    case 'file-content':
      return RKE_HOST_PATHS[need.path]?.failsByDefault === true;
    case 'k8s-object':
      return need.resource === 'podsecuritypolicies';
    case 'k8s-objects':
      return false;
  }
}

/**
 * Whether a host or API control that a plan reports manual is known to fail on a cluster RKE
 * v0.1.x deploys, whatever cluster.yml says: remediate then writes the deployment's fix.
 */
export function failsAfterRkeDeploy(c: ProfileControl): boolean {
  const need = planOfControl(c);
  return need !== 'args' && rkeFails(need);
}

const list = (paths: readonly string[]): string => paths.join(', ');

/**
 * For a control that only the deployed node or the Kubernetes API can answer: what the
 * deployment must also do, beyond cluster.yml, for it to pass, and what RKE does about it.
 */
export function deploymentRequirement(c: ProfileControl, need: DeploymentNeed): string {
  const roleText = c.role === 'cluster' ? 'the cluster' : `each ${c.role} node`;
  switch (need.what) {
    case 'files': {
      const what = need.entries ? `every entry of ${list(need.paths)}` : list(need.paths);
      const notes = need.paths.map((p) => {
        const known = RKE_HOST_PATHS[p];
        if (known !== undefined) return known.note;
        if (p.startsWith('/etc/kubernetes/ssl/')) return RKE_WRITES_644;
        return 'written by RKE or the network plugin at deployment; rkecis scan on the node checks it';
      });
      return `Not decided by cluster.yml: on ${roleText}, ${what} must be ${need.want}. ${[...new Set(notes)].join('; ')}.`;
    }
    case 'file-content': {
      const known = RKE_HOST_PATHS[need.path];
      return `Not decided by cluster.yml: on ${roleText}, ${need.path} must hold ${need.want}. ${
        known?.note ?? 'rkecis scan on the node checks it'
      }.`;
    }
    case 'k8s-objects':
      return `Not decided by cluster.yml: after \`rke up\`, ${need.want}. rkecis scan --kubeconfig checks the cluster's ${list(need.resources)}.`;
    case 'k8s-object':
      return `Not decided by cluster.yml: after \`rke up\`, the ${need.resource} object "${need.name}" must exist with ${need.want}. RKE v0.1.x creates only a permissive default-psp: apply the restricted PodSecurityPolicy, its ClusterRole and binding (rkecis remediate writes the manifest), and check with \`rkecis scan --kubeconfig\`.`;
  }
}

/** The `actual` of a control a plan cannot judge; its `found` is the need, as data. */
const ON_DEPLOYED_NODE = 'known only on the deployed node (rkecis scan)';

/**
 * The planned node's report: container-flag controls evaluated on the planned args (a flag the
 * plan cannot decide is in doubt: see FlagDoubts); file, content and Kubernetes-object controls
 * manual, with what the deployment must also do.
 */
export function planReport(profile: Profile, evidence: Evidence, doubts?: FlagDoubts): NodeReport {
  const report = evaluate(profile, evidence, doubts !== undefined ? { doubts } : {});
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  const results = report.results.map((r): Result => {
    const c = byId.get(r.id);
    const need = c !== undefined ? planOfControl(c) : 'args';
    if (c === undefined || need === 'args') return r;
    return {
      ...r,
      status: 'manual',
      actual: ON_DEPLOYED_NODE,
      reason: deploymentRequirement(c, need),
      found: { id: 'on-deployed-node', data: need },
    };
  });
  return { ...report, summary: summarize(results), results };
}

/**
 * A planned node's report: planReport on its planned args, with the flags the plan cannot decide
 * (given under two spellings, in RKE's random map order) in doubt: either value may be the one
 * the component takes, so a control reading one is `error`, never a planned pass.
 */
export function planNodeReport(profile: Profile, node: PlannedNode, source: string): NodeReport {
  const doubts: Record<string, Record<string, string>> = {};
  for (const c of node.containers) doubts[c.name] = c.ambiguous;
  return planReport(profile, planEvidence(node, source), doubts);
}
