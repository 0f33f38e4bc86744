import { defineKind, verdictsOf, type CheckOf } from './kind.js';
import {
  listMessages,
  listObjects,
  NAMES_SHOWN,
  problemText,
  type ListedObject,
} from './k8s-lists.js';

type K8sRbacCheck = CheckOf<'k8s-rbac'>;

/** The lists each query joins. */
const RESOURCES = {
  'default-service-accounts': [
    'serviceaccounts',
    'rolebindings',
    'clusterrolebindings',
    'roles',
    'clusterroles',
  ],
} as const satisfies Record<K8sRbacCheck['query'], readonly string[]>;

const EXPECTED = {
  'default-service-accounts':
    'every default service account has automountServiceAccountToken false, and no RoleBinding or ClusterRoleBinding gives a default service account or the system:serviceaccounts group more than use of podsecuritypolicies',
} as const satisfies Record<K8sRbacCheck['query'], string>;

/** The group every service account is in. */
const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';

const messages = {
  ...listMessages,
  'bad-field': (d: { object: string; field: string; what: string; wanted: string }) =>
    `${d.object}: ${d.field} is ${d.what}, where ${d.wanted} is read; it cannot be judged`,
  'no-default-accounts': () =>
    'no service account named default was listed (Kubernetes makes one in every namespace): the list cannot be right',
  'default-accounts-unused': (d: { accounts: number; bindings: number }) =>
    `${String(d.accounts)} default service accounts have automountServiceAccountToken false; ${String(d.bindings)} bindings name them or the service-account group, none with more than use of podsecuritypolicies`,
  'default-accounts-used': (d: { problems: string[]; more: number }) =>
    d.problems.join('; ') + (d.more > 0 ? `; and ${String(d.more)} more` : ''),
} as const;
const verdict = verdictsOf(messages);

type Issue = { object: string; field: string; what: string; wanted: string };

const whatIs = (v: unknown): string =>
  v === undefined
    ? 'absent'
    : v === null
      ? 'null'
      : Array.isArray(v)
        ? 'a list'
        : typeof v === 'object'
          ? 'an object'
          : `${typeof v} ${JSON.stringify(v)}`;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A rule that only lets its subject use PodSecurityPolicies (what RKE's PSP bindings give). */
function onlyUsesPsp(rule: unknown): boolean {
  if (!isRecord(rule)) return false;
  const resources = rule.resources;
  const verbs = rule.verbs;
  return (
    Array.isArray(resources) &&
    resources.length > 0 &&
    resources.every((r) => r === 'podsecuritypolicies') &&
    Array.isArray(verbs) &&
    verbs.length > 0 &&
    verbs.every((v) => v === 'use') &&
    (rule.nonResourceURLs === undefined ||
      (Array.isArray(rule.nonResourceURLs) && rule.nonResourceURLs.length === 0))
  );
}

/** Whether a binding's subject is a default service account or every service account. */
function namesDefault(subject: unknown): boolean {
  if (!isRecord(subject)) return false;
  return (
    (subject.kind === 'ServiceAccount' && subject.name === 'default') ||
    (subject.kind === 'Group' && subject.name === ALL_SERVICE_ACCOUNTS)
  );
}

/**
 * 5.1.5, "default service accounts are not actively used", as the guides' script means it:
 * each `default` service account has automountServiceAccountToken false, and a binding naming
 * one (or the group of all service accounts) gives at most `use` of PodSecurityPolicies, which
 * RKE's own PSP bindings give. A binding to a role that does not exist fails, as the guides'
 * script does (its `kubectl get` of the role fails).
 */
function defaultServiceAccounts(
  objects: readonly ListedObject[],
): { issue: Issue } | { problems: string[]; accounts: number; bindings: number } {
  const problems: string[] = [];
  const roles = new Map<string, ListedObject>();
  let accounts = 0;
  let bindings = 0;
  for (const o of objects)
    if (o.resource === 'roles') roles.set(`roles/${o.namespace ?? ''}/${o.name}`, o);
    else if (o.resource === 'clusterroles') roles.set(`clusterroles/${o.name}`, o);
  for (const o of objects) {
    const object = `${o.resource}/${o.key}`;
    if (o.resource === 'serviceaccounts' && o.name === 'default') {
      accounts++;
      const automount = o.obj.automountServiceAccountToken;
      if (automount === false) continue;
      if (automount !== undefined && automount !== null && automount !== true)
        return {
          issue: {
            object,
            field: 'automountServiceAccountToken',
            what: whatIs(automount),
            wanted: 'a boolean',
          },
        };
      problems.push(
        `${object} has automountServiceAccountToken ${automount === true ? 'true' : 'not set (true)'}`,
      );
    }
    if (o.resource !== 'rolebindings' && o.resource !== 'clusterrolebindings') continue;
    const subjects = o.obj.subjects;
    if (subjects === undefined || subjects === null) continue;
    if (!Array.isArray(subjects))
      return { issue: { object, field: 'subjects', what: whatIs(subjects), wanted: 'a list' } };
    if (!subjects.some(namesDefault)) continue;
    bindings++;
    const ref = o.obj.roleRef;
    const refKind = isRecord(ref) ? ref.kind : undefined;
    const refName = isRecord(ref) ? ref.name : undefined;
    if (
      typeof refName !== 'string' ||
      (refKind !== 'ClusterRole' && !(refKind === 'Role' && o.resource === 'rolebindings'))
    )
      return {
        issue: {
          object,
          field: 'roleRef',
          what: whatIs(ref),
          wanted: 'a Role or ClusterRole reference',
        },
      };
    const roleKey =
      refKind === 'ClusterRole'
        ? `clusterroles/${refName}`
        : `roles/${o.namespace ?? ''}/${refName}`;
    const role = roles.get(roleKey);
    if (role === undefined) {
      problems.push(
        `${object} binds the default service accounts to ${roleKey}, which does not exist`,
      );
      continue;
    }
    const rules = role.obj.rules;
    if (rules !== undefined && rules !== null && !Array.isArray(rules))
      return { issue: { object: roleKey, field: 'rules', what: whatIs(rules), wanted: 'a list' } };
    if (Array.isArray(rules) && !rules.every(onlyUsesPsp))
      problems.push(
        `${object} gives the default service accounts ${roleKey}, beyond use of podsecuritypolicies`,
      );
  }
  return { problems, accounts, bindings };
}

/**
 * Questions that join RBAC objects (bindings to their roles' rules, service accounts): each
 * query a written, tested function.
 */
export default defineKind<'k8s-rbac'>({
  messages,

  evaluate(check, ctx) {
    const expected = EXPECTED[check.query];
    const listed = listObjects(ctx.evidence, RESOURCES[check.query]);
    if ('problem' in listed) {
      const p = listed.problem;
      return verdict(p.status, expected, p.id, p.data as never, problemText(p));
    }
    const r = defaultServiceAccounts(listed.objects);
    if ('issue' in r) return verdict('error', expected, 'bad-field', r.issue);
    if (r.accounts === 0) return verdict('error', expected, 'no-default-accounts', {});
    return r.problems.length === 0
      ? verdict('pass', expected, 'default-accounts-unused', {
          accounts: r.accounts,
          bindings: r.bindings,
        })
      : verdict('fail', expected, 'default-accounts-used', {
          problems: r.problems.slice(0, NAMES_SHOWN),
          more: Math.max(0, r.problems.length - NAMES_SHOWN),
        });
  },

  requires(check, needs) {
    for (const r of RESOURCES[check.query]) needs.kubernetes(r);
  },

  plan: (check) => ({
    what: 'k8s-objects',
    resources: RESOURCES[check.query],
    want: EXPECTED[check.query],
  }),

  fix: (check, v) =>
    v.status === 'fail'
      ? {
          to: 'person',
          reason: `${EXPECTED[check.query]}: set automountServiceAccountToken: false on each default service account the verdict names and remove the bindings it names, as the remediation says`,
        }
      : undefined,
});
