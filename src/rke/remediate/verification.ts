import { parseDocument } from 'yaml';
import { evaluate } from '../../engine/evaluate.js';
import { describeIssue, PLAIN } from '../../text/schema-issues.js';
import { clusterYmlSchema, serviceOf } from '../cluster-yml.js';
import { planCluster, planEvidence } from '../plan.js';
import { mitigationText, outcome, SYNTHETIC, type Draft } from './draft.js';
import { describeChange, type FlagFixes } from './flag-edits.js';
import { applyToData } from './yaml-edit.js';

/**
 * Checks the edits: plans the edited cluster and evaluates the controls they are meant to fix.
 * One a plan of the edited cluster.yml still fails has no automatic fix after all.
 */
export function verifyEdits(draft: Draft, fixes: FlagFixes): void {
  const { input } = draft;
  const baseData: unknown =
    input.cluster !== undefined ? parseDocument(input.cluster.text).toJS() : SYNTHETIC;
  const edited = clusterYmlSchema.safeParse(applyToData(baseData, draft.edits), PLAIN);
  if (!edited.success) {
    draft.warnings.push(
      `the edited cluster.yml does not validate: ${edited.error.issues[0] !== undefined ? describeIssue(edited.error.issues[0]) : ''}`,
    );
    return;
  }
  const reports = planCluster(edited.data).map((n) =>
    evaluate(input.profile, planEvidence(n, 'the edited cluster.yml')),
  );
  for (const fc of fixes.controls) {
    const id = fc.failure.control.id;
    const still = reports.filter((r) => r.results.find((x) => x.id === id)?.status === 'fail');
    if (still.length > 0) {
      const why = `A plan of the edited cluster.yml still fails it on ${still.map((r) => r.node.name).join(', ')}.`;
      outcome(
        draft,
        fc.failure,
        'manual',
        `no automatic fix: ${why}`,
        mitigationText(fc.failure.control, why),
      );
      draft.warnings.push(`${id}: ${why}`);
    }
  }
}

/** Each control fixed through cluster.yml: what its edit does, and what comes with it. */
export function describeFlagFixes(draft: Draft, fixes: FlagFixes): void {
  for (const fc of fixes.controls) {
    const o = draft.outcomes.get(fc.failure.control.id);
    if (o?.how !== 'cluster.yml') continue;
    const svc = serviceOf(fc.component) ?? '';
    const changes = [...fc.changed].map(([k, v]) => describeChange(svc, k, v.before, v.after));
    o.summary =
      changes.length > 0
        ? changes.join('; ')
        : `already satisfied by another change to services.${svc}.extra_args`;
    const extra: string[] = [];
    if (fc.changed.has('--enable-admission-plugins') && fixes.pspAdded)
      extra.push('services.kube-api.pod_security_policy: true');
    if (fc.changed.has('--audit-log-path') && fixes.auditPath !== undefined)
      extra.push('extra_binds for the audit log');
    for (const [name, ids] of draft.fileFor)
      if (ids.includes(fc.failure.control.id)) extra.push(name);
    if (extra.length > 0) o.summary += `; with ${extra.join(', ')}`;
  }
}
