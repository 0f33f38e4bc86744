import type { FieldFilter } from '../../profiles/schema.js';
import type { Status } from '../../report/types.js';
import { defineKind, verdictsOf, type CheckOf } from './kind.js';
import {
  describeFilter,
  listMessages,
  listObjects,
  namesText,
  objectName,
  problemText,
  satisfies,
  someNames,
  type ListedObject,
} from './k8s-lists.js';

type K8sListCheck = CheckOf<'k8s-list'>;

const QUANTIFIER_WORDS = { some: 'at least one', every: 'every', none: 'no' } as const;
/** What nothing selected means when the control does not say (SPEC: some fails, every is unknown). */
const EMPTY_DEFAULT = { some: 'fail', every: 'error', none: 'pass' } as const;

/** What the check derives from the profile alone, worked out once per check (profiles are data). */
const expectations = new WeakMap<K8sListCheck, string>();

function expectedOf(check: K8sListCheck): string {
  let text = expectations.get(check);
  if (text === undefined) {
    const where = check.where !== undefined ? ` satisfies ${describeFilter(check.where)}` : '';
    text =
      `${QUANTIFIER_WORDS[check.quantifier]} object of ${check.resources.join(', ')}` +
      (check.namespace !== undefined ? ` in namespace ${check.namespace}` : '') +
      (check.select !== undefined ? ` with ${describeFilter(check.select)}` : '') +
      (check.quantifier === 'none' && where === '' ? ' exists' : where);
    expectations.set(check, text);
  }
  return text;
}

type Names = { count: number; of: number; names: string[]; more: number };

const messages = {
  ...listMessages,
  'nothing-selected': (d: { what: string }) => `no object ${d.what}`,
  'some-satisfy': (d: Names) => `${d.count} of ${d.of} selected satisfy it: ${namesText(d)}`,
  'none-satisfies': (d: Names) => `none of the ${d.of} selected satisfies it: ${namesText(d)}`,
  'all-satisfy': (d: Names) => `all ${d.of} selected satisfy it: ${namesText(d)}`,
  'some-do-not': (d: Names) => `${d.count} of ${d.of} selected do not: ${namesText(d)}`,
  'none-match': (d: { of: number }) => `none of the ${d.of} selected objects matches`,
  'some-match': (d: Names) => `${d.count} of ${d.of} selected match: ${namesText(d)}`,
} as const;
const verdict = verdictsOf(messages);

const named = (objects: readonly ListedObject[], of: number): Names => ({
  count: objects.length,
  of,
  ...someNames(objects),
});

/** The objects that satisfy a filter (all of them without one), or the first field issue. */
function filtered(
  objects: readonly ListedObject[],
  filter: FieldFilter | undefined,
):
  | { kept: ListedObject[]; left: ListedObject[] }
  | { object: string; issue: { field: string; problem: string; test: string } } {
  if (filter === undefined) return { kept: [...objects], left: [] };
  const kept: ListedObject[] = [];
  const left: ListedObject[] = [];
  for (const o of objects) {
    const r = satisfies(filter.tests, filter.match, o.obj);
    if (typeof r !== 'boolean') return { object: objectName(o), issue: r };
    (r ? kept : left).push(o);
  }
  return { kept, left };
}

/**
 * A quantified statement over Kubernetes objects (5.2.x "at least one PodSecurityPolicy such
 * that ...", 5.7.4 "no object in the default namespace but the kubernetes service"). Every list
 * must have been read; objects of a kind the server has proven gone count as none.
 */
export default defineKind<'k8s-list'>({
  messages,

  evaluate(check, ctx) {
    const expected = expectedOf(check);
    const listed = listObjects(ctx.evidence, check.resources);
    if ('problem' in listed) {
      const p = listed.problem;
      return verdict(p.status, expected, p.id, p.data as never, problemText(p));
    }
    const inNamespace =
      check.namespace === undefined
        ? listed.objects
        : listed.objects.filter((o) => o.namespace === check.namespace);
    const sel = filtered(inNamespace, check.select);
    if ('issue' in sel)
      return verdict('error', expected, 'field-type', { object: sel.object, ...sel.issue });
    const selected = sel.kept;
    if (selected.length === 0) {
      const status: Status = check.empty ?? EMPTY_DEFAULT[check.quantifier];
      const what =
        `of ${check.resources.join(', ')}` +
        (check.namespace !== undefined ? ` in namespace ${check.namespace}` : '') +
        (check.select !== undefined ? ` has ${describeFilter(check.select)}` : ' was listed');
      return verdict(status, expected, 'nothing-selected', { what });
    }
    const judged = filtered(selected, check.where);
    if ('issue' in judged)
      return verdict('error', expected, 'field-type', { object: judged.object, ...judged.issue });
    const of = selected.length;
    switch (check.quantifier) {
      case 'some':
        return judged.kept.length > 0
          ? verdict('pass', expected, 'some-satisfy', named(judged.kept, of))
          : verdict('fail', expected, 'none-satisfies', named(selected, of));
      case 'every':
        return judged.left.length === 0
          ? verdict('pass', expected, 'all-satisfy', named(selected, of))
          : verdict('fail', expected, 'some-do-not', named(judged.left, of));
      case 'none':
        return judged.kept.length === 0
          ? verdict('pass', expected, 'none-match', { of })
          : verdict('fail', expected, 'some-match', named(judged.kept, of));
    }
  },

  requires(check, needs) {
    for (const r of check.resources) needs.kubernetes(r);
  },

  plan: (check) => ({ what: 'k8s-objects', resources: check.resources, want: expectedOf(check) }),

  fix: (check, v) =>
    v.status === 'error' || v.status === 'not-applicable'
      ? undefined
      : {
          to: 'person',
          reason: `change the cluster's ${check.resources.join(', ')} so that ${expectedOf(check)}, as the remediation says`,
        },
});
