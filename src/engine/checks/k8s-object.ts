import { ownValue } from '../../evidence/own.js';
import { asText, select } from '../select.js';
import { combine, describeTest, runTest, typeProblem } from '../tests.js';
import { problemText, resourceItems, resourceMessages } from './k8s-lists.js';
import { defineKind, setData, verdictsOf, type CheckOf } from './kind.js';

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
  ...resourceMessages,
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
    const res = resourceItems(ctx.evidence, resource);
    if ('problem' in res) {
      const p = res.problem;
      return verdict(p.status, expected, p.id, p.data as never, problemText(p));
    }
    const obj = ownValue(res.items, name, res.items[name]);
    if (obj === undefined) return verdict('fail', expected, 'object-absent', { resource, name });
    // Evidence may come from a file: an "object" that is not one has no fields to prove anything.
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      const what = obj === null ? 'null' : Array.isArray(obj) ? 'a list' : `a ${typeof obj}`;
      return verdict('error', expected, 'not-an-object', { resource, name, what });
    }
    const values: Record<string, string | null> = {};
    for (const field of fields) {
      const found = select(obj, field);
      setData(values, field, found.length === 0 ? null : (asText(found[0]) ?? null));
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
