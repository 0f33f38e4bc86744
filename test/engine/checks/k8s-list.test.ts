import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { k8sEvidence, meta } from '../../helpers/k8s-evidence.js';
import { partsOf } from './parts.js';

const psp = (name: string, spec: Record<string, unknown>) => ({ ...meta(name), spec });
const psps = (...items: Record<string, unknown>[]) => k8sEvidence({ podsecuritypolicies: items });

// 5.2.2 (CIS 1.5 on): at least one PSP whose hostPID is unset or false.
checkTester(
  'k8s-list: some PSP does not admit hostPID',
  {
    kind: 'k8s-list',
    resources: ['podsecuritypolicies'],
    where: {
      match: 'any',
      tests: [
        { field: 'spec.hostPID', set: false },
        { field: 'spec.hostPID', op: 'eq', value: 'false' },
      ],
    },
    quantifier: 'some',
  },
  {
    valid: [
      {
        name: 'one of two policies has hostPID false',
        evidence: psps(
          psp('default-psp', { hostPID: true }),
          psp('restricted', { hostPID: false }),
        ),
        actual: '1 of 2 selected satisfy it: podsecuritypolicies/restricted',
        found: { id: 'some-satisfy', data: { count: 1, of: 2 } },
      },
      { name: 'hostPID absent', evidence: psps(psp('restricted', {})) },
    ],
    invalid: [
      {
        name: 'every policy admits hostPID',
        evidence: psps(psp('a', { hostPID: true }), psp('b', { hostPID: true })),
        actual: 'none of the 2 selected satisfies it: podsecuritypolicies/a, podsecuritypolicies/b',
      },
      {
        name: 'no policy at all (some over nothing fails)',
        evidence: psps(),
        found: { id: 'nothing-selected' },
      },
      {
        name: 'hostPID written as a string',
        evidence: psps(psp('restricted', { hostPID: 'false' })),
        status: 'error',
        actual: 'podsecuritypolicies/restricted: spec.hostPID is a string',
      },
      {
        name: 'hostPID of the wrong type on a policy that would not decide it',
        evidence: psps(psp('a', { hostPID: false }), psp('b', { hostPID: { $ne: true } })),
        status: 'error',
      },
      {
        name: 'the list could not be read',
        evidence: k8sEvidence({
          podsecuritypolicies: { status: 'error', reason: 'HTTP 403 Forbidden' },
        }),
        status: 'error',
        actual: 'cannot list podsecuritypolicies: HTTP 403 Forbidden',
      },
      {
        name: 'not collected at all',
        evidence: k8sEvidence({}),
        status: 'error',
        found: { id: 'resource-not-collected' },
      },
      {
        name: 'an item that is not an object',
        evidence: {
          ...psps(),
          kubernetes: {
            resources: {
              podsecuritypolicies: {
                status: 'ok',
                apiVersion: 'policy/v1beta1',
                items: { x: 'y' },
              },
            },
          },
        },
        status: 'error',
        actual: 'podsecuritypolicies/x is a string',
      },
      {
        name: 'PSP gone on Kubernetes 1.25 (404, proven by the version)',
        evidence: k8sEvidence(
          { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          'v1.25.9',
        ),
        status: 'not-applicable',
      },
      {
        name: 'PSP said gone by a bundle whose server runs 1.24',
        evidence: k8sEvidence(
          { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          'v1.24.17',
        ),
        status: 'error',
        found: { id: 'served-in-doubt' },
      },
    ],
  },
);

// 5.7.4 / 5.6.4: nothing in the default namespace but the kubernetes service.
const defaultNs = {
  kind: 'k8s-list',
  resources: ['pods', 'services', 'deployments'],
  namespace: 'default',
  select: {
    match: 'any',
    tests: [
      { field: 'kind', op: 'noteq', value: 'Service' },
      { field: 'metadata.name', op: 'noteq', value: 'kubernetes' },
    ],
  },
  quantifier: 'none',
};
const svc = (name: string, ns: string) => ({ kind: 'Service', ...meta(name, ns) });
const pod = (name: string, ns: string) => ({ kind: 'Pod', ...meta(name, ns) });
checkTester('k8s-list: the default namespace holds nothing but the kubernetes service', defaultNs, {
  valid: [
    {
      name: 'only the kubernetes service, other namespaces busy',
      evidence: k8sEvidence({
        pods: [pod('web', 'apps')],
        services: [svc('kubernetes', 'default'), svc('kubernetes', 'apps')],
        deployments: [],
      }),
      found: { id: 'nothing-selected' },
    },
  ],
  invalid: [
    {
      name: 'a pod in default',
      evidence: k8sEvidence({
        pods: [pod('web', 'default')],
        services: [svc('kubernetes', 'default')],
        deployments: [],
      }),
      actual: '1 of 1 selected match: pods/default/web',
    },
    {
      name: 'a pod named kubernetes in default',
      evidence: k8sEvidence({
        pods: [pod('kubernetes', 'default')],
        services: [svc('kubernetes', 'default')],
        deployments: [],
      }),
    },
    {
      name: 'one of the lists could not be read',
      evidence: k8sEvidence({
        pods: [],
        services: [svc('kubernetes', 'default')],
        deployments: { status: 'error', reason: 'HTTP 403 Forbidden' },
      }),
      status: 'error',
    },
  ],
});

// 5.1.5's first half as a list: every default service account has automount off.
const everyDefault = {
  kind: 'k8s-list',
  resources: ['serviceaccounts'],
  select: { tests: [{ field: 'metadata.name', op: 'eq', value: 'default' }] },
  where: { tests: [{ field: 'automountServiceAccountToken', op: 'eq', value: 'false' }] },
  quantifier: 'every',
};
const sa = (ns: string, automount?: unknown) => ({
  ...meta('default', ns),
  ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}),
});
checkTester('k8s-list: every default service account', everyDefault, {
  valid: [
    {
      name: 'all off',
      evidence: k8sEvidence({
        serviceaccounts: [
          sa('default', false),
          sa('kube-system', false),
          { ...meta('x', 'default') },
        ],
      }),
      actual: 'all 2 selected satisfy it',
    },
  ],
  invalid: [
    {
      name: 'one unset',
      evidence: k8sEvidence({ serviceaccounts: [sa('default', false), sa('apps')] }),
      actual: '1 of 2 selected do not: serviceaccounts/apps/default',
    },
    {
      name: 'no default account (every over nothing is unknown unless the control says)',
      evidence: k8sEvidence({ serviceaccounts: [{ ...meta('x', 'default') }] }),
      status: 'error',
    },
  ],
});

checkTester(
  'k8s-list: every over nothing passes when the control says so',
  { ...everyDefault, empty: 'pass' },
  {
    valid: [{ name: 'nothing selected', evidence: k8sEvidence({ serviceaccounts: [] }) }],
    invalid: [{ name: 'one on', evidence: k8sEvidence({ serviceaccounts: [sa('a', true)] }) }],
  },
);

// A * path: every container of every pod, nested groups.
checkTester(
  'k8s-list: wildcard paths and nested groups',
  {
    kind: 'k8s-list',
    resources: ['pods'],
    where: {
      match: 'any',
      tests: [
        { field: 'spec.containers.*.securityContext.privileged', set: false },
        {
          match: 'all',
          tests: [
            { field: 'spec.containers.*.securityContext.privileged', op: 'eq', value: 'false' },
          ],
        },
      ],
    },
    quantifier: 'every',
  },
  {
    valid: [
      {
        name: 'no container privileged',
        evidence: k8sEvidence({
          pods: [
            {
              ...meta('a', 'x'),
              spec: { containers: [{ securityContext: { privileged: false } }, {}] },
            },
          ],
        }),
      },
    ],
    invalid: [
      {
        name: 'the second container privileged',
        evidence: k8sEvidence({
          pods: [
            {
              ...meta('a', 'x'),
              spec: {
                containers: [
                  { securityContext: { privileged: false } },
                  { securityContext: { privileged: true } },
                ],
              },
            },
          ],
        }),
        actual: 'pods/x/a',
      },
    ],
  },
);

describe('k8s-list: its parts and its format', () => {
  const parts = partsOf(defaultNs);

  it('needs each list, and the deployed cluster in a plan', () => {
    expect(parts.requires().kubernetes).toEqual(['deployments', 'pods', 'services']);
    expect(parts.plan()).toEqual({
      what: 'k8s-objects',
      resources: ['pods', 'services', 'deployments'],
      want: 'no object of pods, services, deployments in namespace default with kind not equal to Service or metadata.name not equal to kubernetes exists',
    });
  });

  it('is fixed by a person, never on an error', () => {
    expect(parts.fix('fail')).toMatchObject({ to: 'person' });
    expect(parts.fix('error')).toBeUndefined();
    expect(parts.fix('not-applicable')).toBeUndefined();
  });

  it('names at most ten objects, and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) => pod(`p${String(i)}`, 'default'));
    const v = parts.run(k8sEvidence({ pods: many, services: [], deployments: [] }));
    expect(v.status).toBe('fail');
    expect(v.actual).toMatch(
      /^13 of 13 selected match: pods\/default\/p0, .*pods\/default\/p9 and 3 more$/,
    );
  });

  it.each([
    [{ resources: ['secrets'] }, 'unknown or unlisted Kubernetes resource'],
    [{ resources: [] }, 'Too small'],
    [{ quantifier: 'most' }, 'quantifier'],
    [{ empty: 'manual' }, 'empty'],
    [{ namespace: 'Default' }, 'namespace'],
    [{ resources: ['pods', 'podsecuritypolicies'] }, 'some of the resources are not namespaced'],
    [
      { where: { tests: [{ field: 'status.phase', op: 'eq', value: 'Running' }] } },
      'status is never collected',
    ],
    [
      { where: { tests: [{ field: 'spec.containers.*.env.*.name', set: false }] } },
      "containers' environment (env) is never collected",
    ],
    [{ where: { tests: [{ match: 'all', tests: [] }] } }, 'tests'],
  ])('refuses %j', (change, message) => {
    const r = checkSchema.safeParse({ ...defaultNs, ...change });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
});
