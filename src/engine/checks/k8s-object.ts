import { ownValue } from '../../evidence/own.js';
import { servedAccordingTo } from '../../evidence/served.js';
import type { Check } from '../../profiles/schema.js';
import { asText, select } from '../select.js';
import { combine, describeTest, runTest, typeProblem } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';

type K8sObjectCheck = Extract<Check, { kind: 'k8s-object' }>;

/** What the check derives from the profile alone, worked out once per check (profiles are data). */
const plans = new WeakMap<K8sObjectCheck, { expected: string; fields: string[] }>();

function planOf(check: K8sObjectCheck): { expected: string; fields: string[] } {
  let plan = plans.get(check);
  if (plan === undefined) {
    plan = {
      expected: check.tests
        .map((t) => describeTest(t.field, t))
        .join(check.match === 'all' ? ' and ' : ' or '),
      fields: [...new Set(check.tests.map((t) => t.field))],
    };
    plans.set(check, plan);
  }
  return plan;
}

/**
 * Fields of one named Kubernetes object (1.7.x: the `restricted` PodSecurityPolicy). An API
 * that no longer serves the kind makes the control not applicable; no access is an error; an
 * object that does not exist fails, since the policy the control asks for is not in place.
 */
export function k8sObject(check: K8sObjectCheck, ctx: EvalContext): Verdict {
  const subject = `${check.resource}/${check.name}`;
  const { expected, fields } = planOf(check);
  const k8s = ctx.evidence.kubernetes;
  if (k8s === undefined) {
    return errorVerdict(
      'Kubernetes API objects were not collected (no kubeconfig given)',
      expected,
    );
  }
  const res = ownValue(k8s.resources, check.resource, k8s.resources[check.resource]);
  if (res === undefined) return errorVerdict(`${check.resource} were not collected`, expected);
  if (res.status === 'error')
    return errorVerdict(`cannot list ${check.resource}: ${res.reason}`, expected);
  if (res.status === 'not-served') {
    // A bundle's word alone does not rule the controls out: its server's version must.
    const served = servedAccordingTo(check.resource, k8s.version);
    if (served.served !== false)
      return errorVerdict(
        `the evidence says ${check.resource} are not served (${res.reason}), but ${served.reason}`,
        expected,
      );
    return { status: 'not-applicable', actual: res.reason, expected, reason: res.reason };
  }
  const obj = ownValue(res.items, check.name, res.items[check.name]);
  if (obj === undefined) return { status: 'fail', actual: `${subject} does not exist`, expected };
  // Evidence may come from a file: an "object" that is not one has no fields to prove anything.
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    const what = obj === null ? 'null' : Array.isArray(obj) ? 'a list' : `a ${typeof obj}`;
    return errorVerdict(
      `${subject} is ${what}, not an object; its fields cannot be read`,
      expected,
    );
  }
  const values = new Map<string, string | undefined>();
  for (const field of fields) {
    const found = select(obj, field);
    values.set(field, found.length === 0 ? undefined : asText(found[0]));
    // A value of a type the comparison is not about is unreadable, never a pass or a fail.
    for (const t of check.tests) {
      const problem = t.field === field ? typeProblem(t, found[0]) : undefined;
      if (problem !== undefined)
        return errorVerdict(
          `${subject}: ${field} is ${problem} (${describeTest(field, t)}); it cannot be judged`,
          expected,
        );
    }
  }
  const ok = combine(
    check.tests.map((t) => runTest(t, values.get(t.field))),
    check.match,
  );
  return {
    status: ok ? 'pass' : 'fail',
    actual: fields.map((f) => `${f}: ${values.get(f) ?? 'not set'}`).join(', '),
    expected,
  };
}
