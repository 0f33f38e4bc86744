import { answer, pspList, TOKEN, type KubeRoute } from '../fakes/kube.js';
import { bad, errors, report, type HostileCase } from './harness.js';

/**
 * The Kubernetes API misbehaving, and kubeconfigs that are hostile, seen through `rkecis scan`
 * on the hardened node. An API that cannot be read makes the 1.7.x controls `error` and the scan
 * goes on; a kubeconfig that cannot be loaded at all is exit 2. Credentials never show, and no
 * kubeconfig makes rkecis run a command.
 */
export interface KubeCase extends HostileCase {
  /** Routes of the HTTPS API server (the hardened node's PSPs unless replaced). */
  routes?: Record<string, KubeRoute>;
  /** Rewrites the kubeconfig that trusts the server (`text`), given its URL and a canary path. */
  kubeconfig?: (text: string, ctx: { url: string; canary: string; dir: string }) => string;
  /** Serve plain HTTP (no TLS) on the URL the kubeconfig names. */
  plainHttp?: boolean;
  /** The server's certificate is not the one the kubeconfig trusts. */
  untrusted?: boolean;
  options?: string[];
}

const POLICY = '/apis/policy/v1beta1/podsecuritypolicies';
const EXTENSIONS = '/apis/extensions/v1beta1/podsecuritypolicies';
const PSP_CONTROLS = ['1.7.1', '1.7.2', '1.7.3', '1.7.4', '1.7.5', '1.7.6', '1.7.7'];
const PSP_ERROR = report(errors(...PSP_CONTROLS));
const SHORT = ['--timeout', '0.5'];

const status =
  (code: number, body: unknown): KubeRoute =>
  (_req, res) => {
    res
      .writeHead(code, { 'Content-Type': 'application/json' })
      .end(typeof body === 'string' ? body : JSON.stringify(body));
  };
const silent: KubeRoute = () => undefined;
const resetMidBody: KubeRoute = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100000' });
  res.write('{"kind":"PodSecurityPolicyList","items":[{"metadata":{"name":"restr');
  setTimeout(() => res.socket?.destroy(), 20);
};
const huge: KubeRoute = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(1 << 20, 0x20);
  let sent = 0;
  const pump = (): void => {
    while (sent < 40 << 20) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('{}');
  };
  res.on('error', () => undefined);
  pump();
};
/** A PSP list whose restricted policy has the given spec. */
const restricted = (spec: unknown): KubeRoute =>
  answer({
    kind: 'PodSecurityPolicyList',
    apiVersion: 'policy/v1beta1',
    items: [{ metadata: { name: 'restricted' }, spec }],
  });

/** Replaces the user's token with another credential block (CANARY: a file no command may create). */
const user =
  (block: string) =>
  (text: string, ctx: { canary: string }): string =>
    text.replace(`    token: ${TOKEN}`, block.replaceAll('CANARY', ctx.canary));

export const KUBE_CASES: KubeCase[] = [
  // --- the API answers with an error status ---
  {
    name: '401 Unauthorized',
    routes: { [POLICY]: status(401, { kind: 'Status', message: 'Unauthorized' }) },
    expect: PSP_ERROR,
  },
  {
    name: '401 whose message quotes the bearer token back',
    routes: { [POLICY]: status(401, { message: `invalid bearer token ${TOKEN}` }) },
    expect: PSP_ERROR,
  },
  {
    name: '403 Forbidden',
    routes: {
      [POLICY]: status(403, {
        message: 'podsecuritypolicies.policy is forbidden: User "system:anonymous" cannot list',
      }),
    },
    expect: PSP_ERROR,
  },
  {
    name: '403 with a 1 MB message',
    routes: { [POLICY]: status(403, { message: 'x'.repeat(1 << 20) }) },
    expect: PSP_ERROR,
  },
  {
    name: '404 on policy/v1beta1, served by extensions/v1beta1',
    routes: {
      [POLICY]: status(404, { message: 'not found' }),
      [EXTENSIONS]: answer(pspList('extensions/v1beta1')),
    },
    expect: report({ '1.7.1': 'pass', '1.7.6': 'pass' }),
  },
  {
    // Kubernetes 1.11 serves PodSecurityPolicy: 404 there proves nothing gone (1.25 case:
    // leaks.cases.ts, SERVED_CASES).
    name: '404 on both APIs of a 1.11 server',
    routes: { [POLICY]: status(404, {}), [EXTENSIONS]: status(404, {}) },
    expect: PSP_ERROR,
  },
  {
    name: '500 Internal Server Error',
    routes: { [POLICY]: status(500, { message: 'etcdserver: request timed out' }) },
    expect: PSP_ERROR,
  },
  {
    name: '302 redirect to another host',
    routes: {
      [POLICY]: (_q, res) => res.writeHead(302, { Location: 'https://evil.example/' }).end(),
    },
    expect: PSP_ERROR,
  },
  {
    name: '429 Too Many Requests',
    routes: { [POLICY]: status(429, { message: 'slow down' }) },
    expect: PSP_ERROR,
  },

  // --- the API does not answer, or not whole ---
  { name: 'no answer (timeout)', routes: { [POLICY]: silent }, options: SHORT, expect: PSP_ERROR },
  {
    name: '/version silent, the list answered',
    routes: { '/version': silent, [POLICY]: answer(pspList('policy/v1beta1')) },
    options: SHORT,
    expect: report({ '1.7.1': 'pass', '1.7.7': 'pass' }),
  },
  {
    name: 'the connection reset in the middle of the list',
    routes: { [POLICY]: resetMidBody },
    expect: PSP_ERROR,
  },
  { name: 'a list of 40 MB', routes: { [POLICY]: huge }, expect: PSP_ERROR },

  // --- the API answers something that is not a list ---
  {
    name: 'invalid JSON',
    routes: { [POLICY]: status(200, '{"kind": "PodSecurityPolicyList", "items": [') },
    expect: PSP_ERROR,
  },
  {
    name: 'an HTML page (not Kubernetes)',
    routes: { [POLICY]: status(200, '<html>login</html>') },
    expect: PSP_ERROR,
  },
  {
    name: 'items that is a string',
    routes: { [POLICY]: status(200, { kind: 'PodSecurityPolicyList', items: 'restricted' }) },
    expect: PSP_ERROR,
  },
  { name: 'a JSON array', routes: { [POLICY]: status(200, []) }, expect: PSP_ERROR },
  {
    name: 'list items without names',
    routes: {
      [POLICY]: status(200, {
        kind: 'PodSecurityPolicyList',
        items: [{ spec: { privileged: false } }, null, 7],
      }),
    },
    // Dropping them would leave a list silently short: the whole list is unreadable.
    expect: PSP_ERROR,
  },
  {
    name: 'a restricted policy whose fields are strings',
    routes: {
      [POLICY]: restricted({
        privileged: 'true',
        hostPID: 'true',
        allowPrivilegeEscalation: 'false',
        runAsUser: { rule: 'RunAsAny' },
        requiredDropCapabilities: 'NET_RAW',
      }),
    },
    // The API holds booleans and lists there: a string in their place cannot be judged.
    expect: report({
      '1.7.1': 'error',
      '1.7.2': 'error',
      '1.7.5': 'error',
      '1.7.6': 'fail',
      '1.7.7': 'error',
    }),
  },
  {
    name: 'a restricted policy whose spec is a list',
    routes: { [POLICY]: restricted([{ privileged: false }]) },
    expect: report({ '1.7.5': 'fail', '1.7.6': 'fail', '1.7.7': 'fail' }),
  },

  // --- TLS ---
  {
    name: 'a server certificate the kubeconfig does not trust',
    untrusted: true,
    routes: { [POLICY]: answer(pspList('policy/v1beta1')) },
    expect: PSP_ERROR,
  },
  {
    name: 'a server name that is not in the certificate',
    kubeconfig: (t, { url }) => t.replace(url, url.replace('127.0.0.1', 'localhost')),
    routes: { [POLICY]: answer(pspList('policy/v1beta1')) },
    expect: PSP_ERROR,
  },
  { name: 'plain HTTP where the kubeconfig says https', plainHttp: true, expect: PSP_ERROR },
  {
    name: 'an http:// server URL answered by TLS',
    kubeconfig: (t, { url }) => t.replace(url, url.replace('https:', 'http:')),
    expect: PSP_ERROR,
  },
  {
    name: 'a CA that is not a certificate',
    kubeconfig: (t) =>
      t.replace(
        /certificate-authority-data: \S+/,
        `certificate-authority-data: ${Buffer.from('not a certificate').toString('base64')}`,
      ),
    expect: PSP_ERROR,
  },
  {
    name: 'client certificate data that is garbage',
    kubeconfig: user(
      `    client-certificate-data: ${Buffer.from('garbage').toString('base64')}\n    client-key-data: ${Buffer.from('garbage').toString('base64')}`,
    ),
    expect: PSP_ERROR,
  },

  // --- kubeconfigs that would run a command, or cannot be used ---
  {
    name: 'an exec credential plugin (no command is run)',
    kubeconfig: user(
      '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: /bin/sh\n      args: ["-c", "echo pwned > CANARY; echo {}"]',
    ),
    expect: PSP_ERROR,
  },
  {
    name: 'a gcp auth-provider with a cmd-path (no shell is run)',
    kubeconfig: user(
      "    auth-provider:\n      name: gcp\n      config:\n        cmd-path: /usr/bin/touch\n        cmd-args: 'CANARY'\n        expiry: '2000-01-01T00:00:00Z'\n        access-token: expired",
    ),
    expect: PSP_ERROR,
  },
  {
    name: 'an azure auth-provider with a shell in cmd-args (no shell is run)',
    kubeconfig: user(
      "    auth-provider:\n      name: azure\n      config:\n        cmd-path: /bin/true\n        cmd-args: '; touch CANARY'\n        expires-on: '1'\n        access-token: expired",
    ),
    expect: PSP_ERROR,
  },
  {
    name: 'a kubeconfig without a current context',
    kubeconfig: (t) => t.replace('current-context: test', ''),
    expect: PSP_ERROR,
  },
  {
    name: 'a server URL that is not a URL',
    kubeconfig: (t, { url }) => t.replace(url, 'not a url'),
    expect: PSP_ERROR,
  },
  {
    name: 'a token file that does not exist',
    kubeconfig: user('    tokenFile: /nonexistent/token'),
    expect: PSP_ERROR,
  },
  {
    name: 'a kubeconfig that is not YAML, with the token on the bad line',
    kubeconfig: (t) => t.replace(`    token: ${TOKEN}`, `    token: ${TOKEN}\n  - [: {`),
    expect: bad(/^rkecis: --kubeconfig \S+: /),
  },
  {
    name: 'a kubeconfig that is a folder',
    kubeconfig: (_t, { dir }) => `@PATH@${dir}`,
    expect: bad(/^rkecis: --kubeconfig \S+: /),
  },
  {
    name: 'an empty kubeconfig',
    kubeconfig: () => '',
    expect: bad(/^rkecis: --kubeconfig \S+: not a kubeconfig/),
  },
  {
    name: 'a kubeconfig YAML bomb',
    kubeconfig: () =>
      `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nclusters: *f\nusers: *f\ncontexts: *f\n`,
    expect: bad(/^rkecis: --kubeconfig \S+: /),
  },
];
