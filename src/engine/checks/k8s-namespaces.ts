import { defineKind, verdictsOf, type CheckOf } from './kind.js';
import { listMessages, listObjects, NAMES_SHOWN, problemText } from './k8s-lists.js';

type K8sNamespacesCheck = CheckOf<'k8s-namespaces'>;

const expectedOf = (check: K8sNamespacesCheck): string =>
  `every namespace${check.exclude.length > 0 ? ` but ${check.exclude.join(', ')}` : ''} has at least ${String(check.min)} of ${check.resource}`;

type Lacking = { resource: string; min: number; of: number; names: string[]; more: number };

const messages = {
  ...listMessages,
  'no-namespaces': () =>
    'the API listed no namespaces (every cluster has at least default and kube-system): the list cannot be right',
  'all-excluded': (d: { of: number }) =>
    `the control exempts every one of the ${String(d.of)} namespaces listed: nothing was checked`,
  'namespaces-have': (d: { resource: string; min: number; of: number }) =>
    `each of the ${String(d.of)} namespaces checked has at least ${String(d.min)} of ${d.resource}`,
  'namespaces-lacking': (d: Lacking) =>
    `${String(d.names.length + d.more)} of ${String(d.of)} namespaces have fewer than ${String(d.min)} of ${d.resource}: ${d.names.join(', ')}${d.more > 0 ? ` and ${String(d.more)} more` : ''}`,
} as const;
const verdict = verdictsOf(messages);

/**
 * Every namespace has at least `min` objects of a resource (5.3.2: a NetworkPolicy in every
 * namespace), the namespaces the control exempts aside. The namespaces come from their own list,
 * so a namespace with no object at all is seen.
 */
export default defineKind<'k8s-namespaces'>({
  messages,

  evaluate(check, ctx) {
    const expected = expectedOf(check);
    const namespaces = listObjects(ctx.evidence, ['namespaces']);
    if ('problem' in namespaces) {
      const p = namespaces.problem;
      return verdict(p.status, expected, p.id, p.data as never, problemText(p));
    }
    const objects = listObjects(ctx.evidence, [check.resource]);
    if ('problem' in objects) {
      const p = objects.problem;
      return verdict(p.status, expected, p.id, p.data as never, problemText(p));
    }
    if (namespaces.objects.length === 0) return verdict('error', expected, 'no-namespaces', {});
    const count = new Map<string, number>();
    for (const o of objects.objects)
      if (o.namespace !== undefined) count.set(o.namespace, (count.get(o.namespace) ?? 0) + 1);
    const checked = namespaces.objects.filter((n) => !check.exclude.includes(n.name));
    if (checked.length === 0)
      return verdict('error', expected, 'all-excluded', { of: namespaces.objects.length });
    const lacking = checked.filter((n) => (count.get(n.name) ?? 0) < check.min).map((n) => n.name);
    const data = { resource: check.resource, min: check.min, of: checked.length };
    return lacking.length === 0
      ? verdict('pass', expected, 'namespaces-have', data)
      : verdict('fail', expected, 'namespaces-lacking', {
          ...data,
          names: lacking.slice(0, NAMES_SHOWN),
          more: Math.max(0, lacking.length - NAMES_SHOWN),
        });
  },

  requires(check, needs) {
    needs.kubernetes('namespaces');
    needs.kubernetes(check.resource);
  },

  plan: (check) => ({
    what: 'k8s-objects',
    resources: ['namespaces', check.resource],
    want: expectedOf(check),
  }),

  fix: (check, v) =>
    v.status === 'fail'
      ? {
          to: 'person',
          reason: `create ${check.resource} in each namespace the verdict names, as the remediation says`,
        }
      : undefined,
});
