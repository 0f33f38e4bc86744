import { answer, pspList, TOKEN, type KubeRoute } from '../fakes/kube.js';
import type { Status } from '../../src/report/types.js';

/**
 * Credentials that a kubeconfig holds and a Kubernetes API (or whatever answers in its place) may
 * give back: in the server URL itself, quoted in an error whole, JSON-escaped or in part, or
 * planted in the objects it lists. None may reach a report, a message or a bundle.
 */
export interface LeakCase {
  name: string;
  routes?: Record<string, KubeRoute>;
  /** Rewrites the kubeconfig (its server is `url`). */
  kubeconfig?: (text: string, url: string) => string;
  /**
   * Texts no output may contain (a prefix of the token that is not also ordinary text: it begins
   * with "kubeconfig").
   */
  secrets: string[];
  /** Statuses the PSP controls must have. */
  psp: Status;
}

const POLICY = '/apis/policy/v1beta1/podsecuritypolicies';
export const PASSWORD = 'url-password-0f3c9e1d77';
/** A token with the characters Go's JSON encoder escapes (& < >), as `\u0026`... in a body. */
export const ODD_TOKEN = 'odd&token<with>html-chars-5d2c8b';

const status =
  (code: number, raw: string): KubeRoute =>
  (_req, res) => {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(raw);
  };
/** A JSON string literal with every character of `s` escaped as \uXXXX (valid JSON, same text). */
const escaped = (s: string): string => {
  let out = '';
  for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
};
/** As Go's encoding/json writes it: &, <, > escaped. */
const goJson = (s: string): string =>
  JSON.stringify(s).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');

const withToken = (token: string) => (text: string) =>
  text.replace(`token: ${TOKEN}`, `token: "${token}"`);

export const LEAK_CASES: LeakCase[] = [
  {
    name: 'a server URL with a user and password',
    kubeconfig: (text, url) =>
      text.replace(
        `server: ${url}`,
        `server: ${url.replace('https://', `https://admin:${PASSWORD}@`)}`,
      ),
    secrets: [PASSWORD],
    psp: 'pass',
  },
  {
    name: 'a server URL with a token as its user name, unreachable',
    kubeconfig: (text, url) =>
      text.replace(`server: ${url}`, `server: https://${PASSWORD}@127.0.0.1:1`),
    secrets: [PASSWORD],
    psp: 'error',
  },
  {
    name: 'a 401 quoting the bearer token with every character JSON-escaped',
    routes: { [POLICY]: status(401, `{"message": "invalid bearer token ${escaped(TOKEN)}"}`) },
    secrets: [TOKEN, 'kubeconfig-token'],
    psp: 'error',
  },
  {
    name: 'a 403 quoting the first 24 characters of the token',
    routes: {
      [POLICY]: status(
        403,
        JSON.stringify({ message: `token "${TOKEN.slice(0, 24)}..." is not allowed to list` }),
      ),
    },
    secrets: [TOKEN.slice(0, 24), 'kubeconfig-token'],
    psp: 'error',
  },
  {
    name: 'a 403 quoting a token with & < > as Go escapes them (\\u0026)',
    kubeconfig: withToken(ODD_TOKEN),
    routes: { [POLICY]: status(403, `{"message": ${goJson(`bad token ${ODD_TOKEN}`)}}`) },
    secrets: [ODD_TOKEN, 'odd&token', 'odd\\u0026token'],
    psp: 'error',
  },
  {
    name: 'a policy list with the token planted in an annotation and in a policy name',
    routes: {
      [POLICY]: (_req, res) => {
        const list = pspList('policy/v1beta1') as {
          items: { metadata: { name: string; annotations?: Record<string, string> } }[];
        };
        const restricted = list.items[0];
        if (restricted !== undefined) restricted.metadata.annotations = { note: `seen ${TOKEN}` };
        list.items.push({ metadata: { name: 'PLANTED' } });
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(list).replace('"PLANTED"', `"x-${escaped(TOKEN)}"`));
      },
    },
    secrets: [TOKEN, 'kubeconfig-token'],
    psp: 'pass',
  },
];

/** The 1.7.x controls when both PodSecurityPolicy APIs answer 404, by the server's version. */
export const SERVED_CASES: { name: string; version: KubeRoute; psp: Status; reason: RegExp }[] = [
  {
    name: 'Kubernetes v1.25.3: not served, so not applicable',
    version: answer({ gitVersion: 'v1.25.3' }),
    psp: 'not-applicable',
    reason: /runs Kubernetes v1\.25\.3: PodSecurityPolicy was removed in Kubernetes 1\.25/,
  },
  {
    name: 'Kubernetes v1.29.0-rke2r1: not applicable',
    version: answer({ gitVersion: 'v1.29.0-rke2r1' }),
    psp: 'not-applicable',
    reason: /removed in Kubernetes 1\.25/,
  },
  {
    name: 'Kubernetes v1.11.5 (hostile: it serves PSP): error',
    version: answer({ gitVersion: 'v1.11.5' }),
    psp: 'error',
    reason: /reports Kubernetes v1\.11\.5, which serves PodSecurityPolicy/,
  },
  {
    name: 'Kubernetes v1.24.9: error',
    version: answer({ gitVersion: 'v1.24.9' }),
    psp: 'error',
    reason: /which serves PodSecurityPolicy/,
  },
  {
    name: 'a version that cannot be read: error',
    version: status(500, '{}'),
    psp: 'error',
    reason: /version could not be read/,
  },
  {
    name: 'a version that is not one: error',
    version: answer({ gitVersion: 'v1.x' }),
    psp: 'error',
    reason: /is not a Kubernetes version/,
  },
];
