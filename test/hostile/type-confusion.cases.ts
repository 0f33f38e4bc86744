import { readFileSync } from 'node:fs';
import type { Route } from '../fakes/docker.js';
import { json } from '../fakes/docker.js';
import type { EvidenceCase } from './evidence.cases.js';
import type { Status } from '../../src/report/types.js';
import { errors, report } from './harness.js';

/**
 * Values of the wrong JSON type where a check reads a field: a PodSecurityPolicy's boolean that is
 * an object, a string, a number or a list; a list that is a string; an encryption provider that is
 * text; a Docker inspect whose Args are missing, null or not a list. Each is unreadable evidence
 * (`error`, with a reason naming the field and its type), never a pass, and never mistaken for
 * "not set" or "no arguments".
 */
const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');
type Json = Record<string, unknown>;

/** The hardened node with the restricted policy's spec fields replaced. */
const spec = (fields: Json) => (): string => {
  const e = JSON.parse(HARDENED) as Json;
  const items = (
    (e.kubernetes as Json).resources as { podsecuritypolicies: { items: Record<string, Json> } }
  ).podsecuritypolicies.items;
  const restricted = items.restricted as { spec: Json };
  restricted.spec = { ...restricted.spec, ...fields };
  return JSON.stringify(e, null, 2);
};
/** The hardened node with encryption.yaml's content replaced. */
const encryption = (content: string) => (): string => {
  const e = JSON.parse(HARDENED) as { files: Record<string, Json> };
  (e.files['/etc/kubernetes/encryption.yaml'] as Json).content = content;
  return JSON.stringify(e, null, 2);
};

const c = (name: string, text: () => string, controls: Record<string, Status>): EvidenceCase => ({
  name,
  input: { text },
  expect: report(controls),
});

export const TYPE_CONFUSION_CASES: EvidenceCase[] = [
  // 1.7.2 passes when hostPID is unset or not true: an operator object is neither.
  c('PSP hostPID {"$ne": true}', spec({ hostPID: { $ne: true } }), errors('1.7.2')),
  c('PSP hostIPC {} (an empty object)', spec({ hostIPC: {} }), errors('1.7.3')),
  c('PSP hostNetwork [false]', spec({ hostNetwork: [false] }), errors('1.7.4')),
  c('PSP privileged "false" (a string)', spec({ privileged: 'false' }), errors('1.7.1')),
  c('PSP privileged 0 (a number)', spec({ privileged: 0 }), errors('1.7.1')),
  c(
    'PSP allowPrivilegeEscalation "False" (a string)',
    spec({ allowPrivilegeEscalation: 'False' }),
    errors('1.7.5'),
  ),
  c(
    'PSP allowPrivilegeEscalation {"value": false}',
    spec({ allowPrivilegeEscalation: { value: false } }),
    errors('1.7.5'),
  ),
  c(
    'PSP runAsUser.rule {"MustRunAsNonRoot": true}',
    spec({ runAsUser: { rule: { MustRunAsNonRoot: true } } }),
    errors('1.7.6'),
  ),
  c('PSP runAsUser.rule true', spec({ runAsUser: { rule: true } }), errors('1.7.6')),
  c(
    'PSP requiredDropCapabilities "NET_RAW" (a string, not a list)',
    spec({ requiredDropCapabilities: 'NET_RAW' }),
    errors('1.7.7'),
  ),
  c(
    'PSP requiredDropCapabilities [["NET_RAW"]] (a list of lists)',
    spec({ requiredDropCapabilities: [['NET_RAW']] }),
    errors('1.7.7'),
  ),
  c(
    'encryption provider given as text: providers: [aescbc]',
    encryption('resources:\n  - resources: [secrets]\n    providers: [aescbc]\n'),
    errors('1.1.35'),
  ),
  c(
    'encryption providers given as lists: providers: [[[aescbc]]]',
    encryption('resources:\n  - resources: [secrets]\n    providers: [[[aescbc]]]\n'),
    errors('1.1.35'),
  ),
];

const INSPECT = '/containers/kube-apiserver/json';
/** The hardened apiserver's inspect answer with `fields` replaced (undefined: left out). */
export function apiserverInspect(fields: Json): Route {
  const e = JSON.parse(HARDENED) as { containers: Record<string, Json> };
  const c = e.containers['kube-apiserver'] as { path: string; args: string[]; image: string };
  const body: Json = {
    Id: 'kube-apiserver-id',
    Name: '/kube-apiserver',
    Path: c.path,
    Args: c.args,
    State: { Status: 'running', Running: true },
    Config: { Image: c.image },
    ...fields,
  };
  return json(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
}

/** Docker inspect answers whose fields a check reads are of the wrong type. */
export const INSPECT_FIELD_CASES: { name: string; routes: Record<string, Route>; why: RegExp }[] = [
  {
    name: 'Args left out',
    routes: { [INSPECT]: apiserverInspect({ Args: undefined }) },
    why: /Args is missing/,
  },
  {
    name: '"Args": null',
    routes: { [INSPECT]: apiserverInspect({ Args: null }) },
    why: /Args is null/,
  },
  {
    name: '"Args": {} (an object)',
    routes: { [INSPECT]: apiserverInspect({ Args: { 0: '--anonymous-auth=false' } }) },
    why: /Args is an object/,
  },
  {
    name: '"Args": "--anonymous-auth=false" (a string)',
    routes: { [INSPECT]: apiserverInspect({ Args: '--anonymous-auth=false' }) },
    why: /Args is a string/,
  },
  {
    name: 'an Args item that is null',
    routes: { [INSPECT]: apiserverInspect({ Args: ['--anonymous-auth=false', null] }) },
    why: /Args\[1\] is null/,
  },
  {
    name: '"Path": null',
    routes: { [INSPECT]: apiserverInspect({ Path: null }) },
    why: /Path is null/,
  },
  {
    name: '"State": {"Running": "true"}',
    routes: { [INSPECT]: apiserverInspect({ State: { Status: 'running', Running: 'true' } }) },
    why: /State has no Status and Running/,
  },
];
