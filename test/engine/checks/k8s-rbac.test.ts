import { describe, expect, it } from 'vitest';
import { checkTester } from '../../helpers/check-tester.js';
import { k8sEvidence, meta } from '../../helpers/k8s-evidence.js';
import { partsOf } from './parts.js';

type Obj = Record<string, unknown>;
const sa = (ns: string, automount?: unknown): Obj => ({
  ...meta('default', ns),
  ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}),
});
const pspUse = {
  apiGroups: ['policy'],
  resources: ['podsecuritypolicies'],
  verbs: ['use'],
  resourceNames: ['restricted'],
};
const clusterRole = (name: string, rules: unknown): Obj => ({ ...meta(name), rules });
const binding = (name: string, ns: string | undefined, subjects: unknown, roleRef: Obj): Obj => ({
  ...meta(name, ns),
  subjects,
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
});
const toGroup = [
  { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' },
];
const toDefault = (ns: string) => [{ kind: 'ServiceAccount', name: 'default', namespace: ns }];

/** A hardened cluster as the guides' show it: RKE's PSP binding for every service account. */
function cluster(
  change: Partial<Record<string, Obj[] | { status: 'error'; reason: string }>> = {},
) {
  return k8sEvidence({
    serviceaccounts: [
      sa('default', false),
      sa('kube-system', false),
      { ...meta('app', 'default') },
    ],
    clusterroles: [
      clusterRole('restricted-clusterrole', [pspUse]),
      clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      clusterRole('aggregated', null),
    ],
    roles: [{ ...meta('psp', 'apps'), rules: [pspUse] }],
    clusterrolebindings: [
      binding('restricted-clusterrolebinding', undefined, toGroup, {
        kind: 'ClusterRole',
        name: 'restricted-clusterrole',
      }),
      binding('admins', undefined, [{ kind: 'User', name: 'alice' }], {
        kind: 'ClusterRole',
        name: 'cluster-admin',
      }),
      binding('nobody', undefined, null, { kind: 'ClusterRole', name: 'cluster-admin' }),
    ],
    rolebindings: [binding('psp', 'apps', toDefault('apps'), { kind: 'Role', name: 'psp' })],
    ...change,
  });
}

checkTester(
  'k8s-rbac: default service accounts are not actively used (5.1.5)',
  { kind: 'k8s-rbac', query: 'default-service-accounts' },
  {
    valid: [
      {
        name: 'automount off everywhere, PSP use only',
        evidence: cluster(),
        actual:
          '2 default service accounts have automountServiceAccountToken false; 2 bindings name them',
      },
    ],
    invalid: [
      {
        name: 'a default account with automount unset',
        evidence: cluster({ serviceaccounts: [sa('default', false), sa('apps')] }),
        actual: 'serviceaccounts/apps/default has automountServiceAccountToken not set (true)',
      },
      {
        name: 'a default account with automount true',
        evidence: cluster({ serviceaccounts: [sa('apps', true)] }),
        actual: 'automountServiceAccountToken true',
      },
      {
        name: 'cluster-admin for the service-account group',
        evidence: cluster({
          clusterrolebindings: [
            binding('oops', undefined, toGroup, { kind: 'ClusterRole', name: 'cluster-admin' }),
          ],
        }),
        actual:
          'clusterrolebindings/oops gives the default service accounts clusterroles/cluster-admin, beyond use',
      },
      {
        name: 'a role that lists podsecuritypolicies with more verbs than use',
        evidence: cluster({
          roles: [{ ...meta('psp', 'apps'), rules: [{ ...pspUse, verbs: ['use', 'create'] }] }],
        }),
        actual: 'rolebindings/apps/psp gives the default service accounts roles/apps/psp',
      },
      {
        name: 'a binding to a role that does not exist',
        evidence: cluster({
          rolebindings: [
            binding('psp', 'apps', toDefault('apps'), { kind: 'Role', name: 'missing' }),
          ],
        }),
        actual: 'roles/apps/missing, which does not exist',
      },
      {
        name: 'a RoleBinding reaches the Role of its own namespace only',
        evidence: cluster({
          rolebindings: [
            binding('psp', 'other', toDefault('other'), { kind: 'Role', name: 'psp' }),
          ],
        }),
        actual: 'roles/other/psp, which does not exist',
      },
      {
        name: 'automount written as a string',
        evidence: cluster({ serviceaccounts: [sa('apps', 'false')] }),
        status: 'error',
        actual: 'automountServiceAccountToken is string "false"',
      },
      {
        name: 'subjects not a list',
        evidence: cluster({
          rolebindings: [binding('psp', 'apps', { kind: 'Group' }, { kind: 'Role', name: 'psp' })],
        }),
        status: 'error',
      },
      {
        name: 'rules not a list',
        evidence: cluster({ clusterroles: [clusterRole('restricted-clusterrole', { a: 1 })] }),
        status: 'error',
      },
      {
        name: 'no default service account listed',
        evidence: cluster({ serviceaccounts: [] }),
        status: 'error',
        found: { id: 'no-default-accounts' },
      },
      {
        name: 'the bindings could not be listed',
        evidence: cluster({ rolebindings: { status: 'error', reason: 'HTTP 403 Forbidden' } }),
        status: 'error',
        actual: 'cannot list rolebindings: HTTP 403 Forbidden',
      },
    ],
  },
);

describe('k8s-rbac: its parts', () => {
  const parts = partsOf({ kind: 'k8s-rbac', query: 'default-service-accounts' });
  it('needs the accounts, bindings and roles', () => {
    expect(parts.requires().kubernetes).toEqual([
      'clusterrolebindings',
      'clusterroles',
      'rolebindings',
      'roles',
      'serviceaccounts',
    ]);
    expect(parts.plan()).toMatchObject({ what: 'k8s-objects' });
    expect(parts.fix('fail')).toMatchObject({ to: 'person' });
    expect(parts.fix('error')).toBeUndefined();
  });
  it('names at most ten problems', () => {
    const many = Array.from({ length: 12 }, (_, i) => sa(`n${String(i)}`));
    const v = parts.run(cluster({ serviceaccounts: many }));
    expect(v.actual).toMatch(/; and 2 more$/);
  });
});
