import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { k8sEvidence, meta } from '../../helpers/k8s-evidence.js';
import { partsOf } from './parts.js';

const ns = (...names: string[]) => names.map((n) => meta(n));
const np = (name: string, namespace: string) => meta(name, namespace);

// 5.3.2: a NetworkPolicy in every namespace.
checkTester(
  'k8s-namespaces: a NetworkPolicy in every namespace',
  { kind: 'k8s-namespaces', resource: 'networkpolicies' },
  {
    valid: [
      {
        name: 'each namespace has one',
        evidence: k8sEvidence({
          namespaces: ns('default', 'kube-system'),
          networkpolicies: [np('deny', 'default'), np('a', 'kube-system'), np('b', 'kube-system')],
        }),
        actual: 'each of the 2 namespaces checked has at least 1 of networkpolicies',
      },
    ],
    invalid: [
      {
        name: 'a namespace without any object at all',
        evidence: k8sEvidence({
          namespaces: ns('default', 'kube-system', 'empty'),
          networkpolicies: [np('deny', 'default'), np('a', 'kube-system')],
        }),
        actual: '1 of 3 namespaces have fewer than 1 of networkpolicies: empty',
      },
      {
        name: 'namespaces named like Object.prototype members are namespaces like any other',
        evidence: k8sEvidence({
          namespaces: ns('constructor', 'toString', 'hasOwnProperty'),
          networkpolicies: [np('a', 'toString'), np('b', 'hasOwnProperty')],
        }),
        actual: '1 of 3 namespaces have fewer than 1 of networkpolicies: constructor',
      },
      {
        name: 'a policy in a namespace that is not listed does not count',
        evidence: k8sEvidence({
          namespaces: ns('default'),
          networkpolicies: [np('deny', 'gone')],
        }),
      },
      {
        name: 'the namespaces could not be listed',
        evidence: k8sEvidence({
          namespaces: { status: 'error', reason: 'HTTP 403 Forbidden' },
          networkpolicies: [],
        }),
        status: 'error',
        actual: 'cannot list namespaces',
      },
      {
        name: 'the policies could not be listed',
        evidence: k8sEvidence({
          namespaces: ns('default'),
          networkpolicies: { status: 'error', reason: 'timed out' },
        }),
        status: 'error',
      },
      {
        name: 'no namespace listed at all',
        evidence: k8sEvidence({ namespaces: [], networkpolicies: [] }),
        status: 'error',
        found: { id: 'no-namespaces' },
      },
      {
        name: 'namespaces said not served',
        evidence: k8sEvidence({
          namespaces: { status: 'not-served', reason: '404' },
          networkpolicies: [],
        }),
        status: 'error',
        found: { id: 'served-in-doubt' },
      },
    ],
  },
);

checkTester(
  'k8s-namespaces: at least two, some namespaces exempt',
  { kind: 'k8s-namespaces', resource: 'networkpolicies', min: 2, exclude: ['kube-public'] },
  {
    valid: [
      {
        name: 'the exempt namespace has none',
        evidence: k8sEvidence({
          namespaces: ns('default', 'kube-public'),
          networkpolicies: [np('a', 'default'), np('b', 'default')],
        }),
      },
    ],
    invalid: [
      {
        name: 'one is not two',
        evidence: k8sEvidence({
          namespaces: ns('default', 'kube-public'),
          networkpolicies: [np('a', 'default')],
        }),
      },
      {
        name: 'every namespace exempt: nothing checked',
        evidence: k8sEvidence({ namespaces: ns('kube-public'), networkpolicies: [] }),
        status: 'error',
        found: { id: 'all-excluded' },
      },
    ],
  },
);

describe('k8s-namespaces: its parts', () => {
  const parts = partsOf({ kind: 'k8s-namespaces', resource: 'networkpolicies' });
  it('needs the namespaces and the resource', () => {
    expect(parts.requires().kubernetes).toEqual(['namespaces', 'networkpolicies']);
    expect(parts.plan()).toMatchObject({
      what: 'k8s-objects',
      want: 'every namespace has at least 1 of networkpolicies',
    });
    expect(parts.fix('fail')).toMatchObject({ to: 'person' });
    expect(parts.fix('error')).toBeUndefined();
  });
  it.each([
    [{ resource: 'namespaces' }, 'namespaced resource'],
    [{ resource: 'clusterroles' }, 'namespaced resource'],
    [{ resource: 'secrets' }, 'unknown or unlisted'],
    [{ min: 0 }, 'min'],
    [{ exclude: ['Bad_Name'] }, 'namespace name'],
  ])('refuses %j', (change, message) => {
    const r = checkSchema.safeParse({
      kind: 'k8s-namespaces',
      resource: 'networkpolicies',
      ...change,
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
});
