import { ownValue } from '../../evidence/own.js';
import { servedAccordingTo } from '../../evidence/served.js';
import { asText, select } from '../select.js';
import { combine, describeTest, runTest, typeProblem } from '../tests.js';
import { dataRecord, defineKind, verdictsOf, type CheckOf } from './kind.js';

type K8sObjectCheck = CheckOf<'k8s-object'>;

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

type Subject = { resource: string; name: string };

const messages = {
  'kubernetes-not-collected': () =>
    'Kubernetes API objects were not collected (no kubeconfig given)',
  'resource-not-collected': (d: { resource: string }) => `${d.resource} were not collected`,
  'resource-error': (d: { resource: string; reason: string }) =>
    `cannot list ${d.resource}: ${d.reason}`,
  /** The evidence says the kind is no longer served, and the server's version does not prove it. */
  'served-in-doubt': (d: { resource: string; reason: string; why: string }) =>
    `the evidence says ${d.resource} are not served (${d.reason}), but ${d.why}`,
  'not-served': (d: { resource: string; reason: string }) => d.reason,
  'object-absent': (d: Subject) => `${d.resource}/${d.name} does not exist`,
  'not-an-object': (d: Subject & { what: string }) =>
    `${d.resource}/${d.name} is ${d.what}, not an object; its fields cannot be read`,
  /** A field of a type the test does not compare; `test` is the test in words. */
  'field-type': (d: Subject & { field: string; problem: string; test: string }) =>
    `${d.resource}/${d.name}: ${d.field} is ${d.problem} (${d.test}); it cannot be judged`,
  'field-values': (d: Subject & { fields: Readonly<Record<string, string | null>> }) =>
    Object.entries(d.fields)
      .map(([f, v]) => `${f}: ${v ?? 'not set'}`)
      .join(', '),
} as const;
const verdict = verdictsOf(messages);

/**
 * Fields of one named Kubernetes object (1.7.x: the `restricted` PodSecurityPolicy). An API
 * that no longer serves the kind makes the control not applicable; no access is an error; an
 * object that does not exist fails, since the policy the control asks for is not in place.
 */
export default defineKind<'k8s-object'>({
  messages,

  evaluate(check, ctx) {
    const { resource, name } = check;
    const { expected, fields } = planOf(check);
    const k8s = ctx.evidence.kubernetes;
    if (k8s === undefined) return verdict('error', expected, 'kubernetes-not-collected', {});
    const res = ownValue(k8s.resources, resource, k8s.resources[resource]);
    if (res === undefined)
      return verdict('error', expected, 'resource-not-collected', { resource });
    if (res.status === 'error')
      return verdict('error', expected, 'resource-error', { resource, reason: res.reason });
    if (res.status === 'not-served') {
      // A bundle's word alone does not rule the controls out: its server's version must.
      const served = servedAccordingTo(resource, k8s.version);
      if (served.served !== false)
        return verdict('error', expected, 'served-in-doubt', {
          resource,
          reason: res.reason,
          why: served.reason,
        });
      return verdict(
        'not-applicable',
        expected,
        'not-served',
        { resource, reason: res.reason },
        res.reason,
      );
    }
    const obj = ownValue(res.items, name, res.items[name]);
    if (obj === undefined) return verdict('fail', expected, 'object-absent', { resource, name });
    // Evidence may come from a file: an "object" that is not one has no fields to prove anything.
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      const what = obj === null ? 'null' : Array.isArray(obj) ? 'a list' : `a ${typeof obj}`;
      return verdict('error', expected, 'not-an-object', { resource, name, what });
    }
    const values = dataRecord<string | null>();
    for (const field of fields) {
      const found = select(obj, field);
      values[field] = found.length === 0 ? null : (asText(found[0]) ?? null);
      // A value of a type the comparison is not about is unreadable, never a pass or a fail.
      for (const t of check.tests) {
        const problem = t.field === field ? typeProblem(t, found[0]) : undefined;
        if (problem !== undefined)
          return verdict('error', expected, 'field-type', {
            resource,
            name,
            field,
            problem,
            test: describeTest(field, t),
          });
      }
    }
    const ok = combine(
      check.tests.map((t) => runTest(t, values[t.field] ?? undefined)),
      check.match,
    );
    return verdict(ok ? 'pass' : 'fail', expected, 'field-values', {
      resource,
      name,
      fields: values,
    });
  },

  requires(check, needs) {
    needs.kubernetes(check.resource);
  },

  plan: (check) => ({
    what: 'k8s-object',
    resource: check.resource,
    name: check.name,
    want: planOf(check).expected,
  }),

  fix: (check, v) =>
    v.status === 'error'
      ? undefined
      : { to: 'k8s-object', resource: check.resource, name: check.name },
});
