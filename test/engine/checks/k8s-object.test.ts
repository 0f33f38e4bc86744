import { describe, expect, it } from 'vitest';
import { checkTester } from '../../helpers/check-tester.js';
import { makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const psp = (spec: Record<string, unknown> | undefined) =>
  makeEvidence({
    kubernetes: {
      resources: {
        podsecuritypolicies: {
          status: 'ok',
          apiVersion: 'policy/v1beta1',
          items:
            spec === undefined ? {} : { restricted: { metadata: { name: 'restricted' }, spec } },
        },
      },
    },
  });
checkTester(
  'k8s-object: privileged not true',
  {
    kind: 'k8s-object',
    resource: 'podsecuritypolicies',
    name: 'restricted',
    match: 'any',
    tests: [
      { field: 'spec.privileged', set: false },
      { field: 'spec.privileged', op: 'noteq', value: 'true' },
    ],
  },
  {
    valid: [
      { name: 'false', evidence: psp({ privileged: false }) },
      { name: 'absent (defaults to false)', evidence: psp({}) },
    ],
    invalid: [
      { name: 'true', evidence: psp({ privileged: true }), actual: 'spec.privileged: true' },
      { name: 'no restricted policy', evidence: psp(undefined), actual: 'does not exist' },
      { name: 'no Kubernetes evidence', evidence: makeEvidence(), status: 'error' },
      {
        name: 'API error',
        evidence: makeEvidence({
          kubernetes: {
            resources: { podsecuritypolicies: { status: 'error', reason: 'HTTP 403' } },
          },
        }),
        status: 'error',
        actual: '403',
      },
      {
        name: 'PSP no longer served (Kubernetes 1.25)',
        evidence: makeEvidence({
          kubernetes: {
            version: 'v1.25.0',
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'not-applicable',
      },
      {
        name: 'PSP said not served by a bundle whose server runs 1.11',
        evidence: makeEvidence({
          kubernetes: {
            version: 'v1.11.5',
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'error',
        actual: 'reports Kubernetes v1.11.5, which serves PodSecurityPolicy',
      },
      {
        name: 'PSP said not served, the server version unknown',
        evidence: makeEvidence({
          kubernetes: {
            resources: { podsecuritypolicies: { status: 'not-served', reason: 'removed in 1.25' } },
          },
        }),
        status: 'error',
        actual: 'version could not be read',
      },
    ],
  },
);

checkTester(
  'k8s-object: list field has item',
  {
    kind: 'k8s-object',
    resource: 'podsecuritypolicies',
    name: 'restricted',
    tests: [{ field: 'spec.requiredDropCapabilities', op: 'has_item', value: 'NET_RAW' }],
  },
  {
    valid: [
      {
        name: 'NET_RAW dropped',
        evidence: psp({ requiredDropCapabilities: ['NET_RAW', 'SYS_ADMIN'] }),
      },
    ],
    invalid: [
      { name: 'not dropped', evidence: psp({ requiredDropCapabilities: ['SYS_ADMIN'] }) },
      { name: 'absent', evidence: psp({}) },
    ],
  },
);

describe('k8s-object: its parts', () => {
  const parts = partsOf({
    kind: 'k8s-object',
    resource: 'podsecuritypolicies',
    name: 'restricted',
    tests: [
      { field: 'spec.privileged', op: 'eq', value: 'false' },
      { field: '__proto__', set: false },
    ],
  });

  it('finds the fields, as data, a field named __proto__ among them', () => {
    const v = parts.run(psp({ privileged: true }));
    expect(v.found.id).toBe('field-values');
    expect(v.found.data).toMatchObject({ resource: 'podsecuritypolicies', name: 'restricted' });
    expect(Object.entries(v.found.data.fields as object)).toEqual([
      ['spec.privileged', 'true'],
      ['__proto__', null],
    ]);
    expect(v.actual).toBe('spec.privileged: true, __proto__: not set');
    expect(parts.run(psp(undefined)).found).toEqual({
      id: 'object-absent',
      data: { resource: 'podsecuritypolicies', name: 'restricted' },
    });
  });

  it('needs the resource, and the deployed cluster in a plan', () => {
    expect(parts.requires()).toEqual({
      containers: [],
      files: [],
      kubernetes: ['podsecuritypolicies'],
    });
    expect(parts.plan()).toEqual({
      what: 'k8s-object',
      resource: 'podsecuritypolicies',
      name: 'restricted',
      want: 'spec.privileged=false and __proto__ not set',
    });
  });

  it('is fixed by the object', () => {
    expect(parts.fix('fail')).toEqual({
      to: 'k8s-object',
      resource: 'podsecuritypolicies',
      name: 'restricted',
    });
    expect(parts.fix('error')).toBeUndefined();
  });
});
