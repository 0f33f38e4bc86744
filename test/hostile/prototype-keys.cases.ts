import { readFileSync } from 'node:fs';
import type { EvidenceCase } from './evidence.cases.js';
import { errors, report } from './harness.js';

/**
 * Keys that are user data and also names of Object.prototype's members: a file, a Kubernetes
 * object, a node named `__proto__`, `constructor` or `toString` is a name like any other. It must
 * neither vanish (zod's records drop `__proto__`; an assignment to `{}` sets the prototype), nor
 * read as the prototype's member, nor stand in for another key.
 */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');
type Json = Record<string, unknown>;

/** The hardened node's JSON with `edit` applied to the parsed copy (JSON.parse keeps `__proto__` as a key). */
const edited = (edit: (e: Json) => void) => (): string => {
  const e = JSON.parse(HARDENED) as Json;
  edit(e);
  return JSON.stringify(e, null, 2);
};
const at = (o: unknown, ...path: string[]): Json => {
  let v = o as Json;
  for (const p of path) v = v[p] as Json;
  return v;
};
/** Defines an own property, whatever its name (`o.__proto__ = v` would set the prototype). */
const put = (o: Json, key: string, value: unknown): void => {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
};
const worldWritable = {
  status: 'present',
  type: 'file',
  mode: '666',
  uid: 0,
  gid: 0,
  user: 'root',
  group: 'root',
};
const ownedByNobody = { ...worldWritable, mode: '644', uid: 65534, user: 'nobody' };
const PSP = ['1.7.1', '1.7.2', '1.7.3', '1.7.4', '1.7.5', '1.7.6', '1.7.7'];

export const PROTOTYPE_KEY_CASES: EvidenceCase[] = [
  ...PROTOTYPE_NAMES.map((name): EvidenceCase => ({
    name: `a world-writable CNI file named ${name}`,
    input: {
      text: edited((e) => {
        put(at(e, 'files', '/etc/cni/net.d', 'entries'), name, worldWritable);
      }),
    },
    expect: report({ '1.4.9': 'fail' }),
  })),
  {
    name: 'a CNI file named __proto__ owned by nobody, in the pod network folder',
    input: {
      text: edited((e) => {
        put(
          at(e, 'files', '/var/lib/cni/networks/k8s-pod-network', 'entries'),
          '__proto__',
          ownedByNobody,
        );
      }),
    },
    expect: report({ '1.4.10': 'fail' }),
  },
  {
    name: 'an unreadable CNI entry named constructor',
    input: {
      text: edited((e) => {
        put(at(e, 'files', '/etc/cni/net.d', 'entries'), 'constructor', {
          status: 'error',
          reason: 'cannot read /etc/cni/net.d/constructor: permission denied',
        });
      }),
    },
    expect: report(errors('1.4.9', '1.4.10')),
  },
  {
    name: 'a CNI entry named toString of a type that is not evidence',
    input: {
      text: edited((e) => {
        put(at(e, 'files', '/etc/cni/net.d', 'entries'), 'toString', { status: 'present' });
      }),
    },
    expect: {
      exit: 2,
      message: /invalid evidence at files\.\/etc\/cni\/net\.d\.entries\.toString/,
    },
  },
  {
    name: 'a CNI entry named __proto__ of a type that is not evidence',
    input: {
      text: edited((e) => {
        put(at(e, 'files', '/etc/cni/net.d', 'entries'), '__proto__', { status: 'present' });
      }),
    },
    expect: {
      exit: 2,
      message: /invalid evidence at files\.\/etc\/cni\/net\.d\.entries\.__proto__\.type/,
    },
  },
  {
    // A PSP named __proto__ whose object has a `restricted` member: as the prototype of the items,
    // it would answer for a restricted policy that does not exist.
    name: 'no restricted PSP, and one named __proto__ holding a "restricted" member',
    input: {
      text: edited((e) => {
        const items = at(e, 'kubernetes', 'resources', 'podsecuritypolicies', 'items');
        const restricted = items.restricted;
        delete items.restricted;
        put(items, '__proto__', { metadata: { name: '__proto__' }, restricted });
      }),
    },
    expect: report(Object.fromEntries(PSP.map((id) => [id, 'fail' as const]))),
  },
  ...(['constructor', 'toString'] as const).map((name): EvidenceCase => ({
    name: `no restricted PSP, and one named ${name}`,
    input: {
      text: edited((e) => {
        const items = at(e, 'kubernetes', 'resources', 'podsecuritypolicies', 'items');
        put(items, name, items.restricted);
        delete items.restricted;
      }),
    },
    expect: report(Object.fromEntries(PSP.map((id) => [id, 'fail' as const]))),
  })),
  {
    name: 'the PSP list said to be under __proto__, not podsecuritypolicies',
    input: {
      text: edited((e) => {
        const resources = at(e, 'kubernetes', 'resources');
        put(resources, '__proto__', resources.podsecuritypolicies);
        delete resources.podsecuritypolicies;
      }),
    },
    expect: report(errors(...PSP)),
  },
  {
    name: 'the kube-apiserver container said to be named constructor',
    input: {
      text: edited((e) => {
        const containers = at(e, 'containers');
        put(containers, 'constructor', containers['kube-apiserver']);
        containers['kube-apiserver'] = { status: 'error', reason: 'inspect failed' };
      }),
    },
    expect: report(errors('1.1.1', '1.1.2')),
  },
];
