import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KubeRoute = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const TOKEN = 'kubeconfig-token-must-not-leak-0123456789';

const certs: { cert: string; key: string }[] = [];

/** The n-th self-signed certificate for 127.0.0.1, made with openssl once per test file. */
export function selfSignedCert(n: 0 | 1): { cert: string; key: string } {
  const made = certs[n];
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  certs[n] = {
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
  };
  rmSync(dir, { recursive: true, force: true });
  return certs[n];
}

/**
 * An HTTPS API server answering by path, and a kubeconfig (bearer token) that trusts it. A route
 * is found by the whole request URL, else by its path; with `match: 'path'` by its path alone
 * (kubectl adds `?timeout=32s`). The tests and the benchmarks (bench/kube-api.ts) share it.
 */
export async function fakeKube(
  routes: Readonly<Record<string, KubeRoute>>,
  opts: { trust?: boolean; match?: 'url' | 'path' } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-fake-kube-'));
  const { cert, key } = selfSignedCert(0);
  /** Each request: its path (without the query), its whole URL, its credentials. */
  const seen: { path: string; url: string; authorization: string | undefined }[] = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    const url = req.url ?? '';
    const path = url.split('?')[0] ?? '';
    seen.push({ path, url, authorization: req.headers.authorization });
    // A route for a whole URL (with its query) first, else for its path: a list route reads
    // `limit` and `continue` itself. With `match: 'path'` only the path counts.
    const route = opts.match !== 'path' && Object.hasOwn(routes, url) ? routes[url] : routes[path];
    if (route) {
      route(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        code: 404,
      }),
    );
  });
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const ca = opts.trust === false ? selfSignedCert(1).cert : cert;
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
      'users:',
      '- name: test',
      '  user:',
      `    token: ${TOKEN}`,
      'contexts:',
      '- name: test',
      '  context: {cluster: test, user: test}',
      'current-context: test',
      '',
    ].join('\n'),
  );
  return {
    url,
    kubeconfig,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const answer =
  (body: unknown, status = 200): KubeRoute =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };

/** A PodSecurityPolicyList as the API server returns it (kubectl get psp -o json, trimmed). */
export function pspList(apiVersion: string): unknown {
  return {
    kind: 'PodSecurityPolicyList',
    apiVersion,
    metadata: { resourceVersion: '1234' },
    items: [
      {
        metadata: {
          name: 'restricted',
          uid: 'a1',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"huge":"copy"}',
            'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default',
          },
          managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
        },
        spec: {
          privileged: false,
          allowPrivilegeEscalation: false,
          requiredDropCapabilities: ['NET_RAW'],
          runAsUser: { rule: 'MustRunAsNonRoot' },
          seLinux: { rule: 'RunAsAny' },
          fsGroup: { rule: 'RunAsAny' },
          supplementalGroups: { rule: 'RunAsAny' },
          volumes: [
            'emptyDir',
            'secret',
            'persistentVolumeClaim',
            'downwardAPI',
            'configMap',
            'projected',
          ],
        },
      },
      {
        metadata: {
          name: 'default-psp',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        },
        spec: { privileged: true, allowPrivilegeEscalation: true, runAsUser: { rule: 'RunAsAny' } },
      },
    ],
  };
}

/**
 * A list route that pages as the API server does: `limit` objects a page (all when no limit;
 * never more than `serverMax`, as a server may send fewer than asked), the next page's token in
 * `metadata.continue`, the token of the last page empty. Tokens are opaque to the client; here
 * they are the offset, prefixed so they look like one.
 */
export function pagedList(
  kind: string,
  apiVersion: string,
  items: readonly unknown[],
  serverMax = Infinity,
): KubeRoute {
  return (req, res) => {
    const q = new URL(req.url ?? '', 'https://x').searchParams;
    const asked = Number(q.get('limit') ?? items.length) || items.length;
    const limit = Math.max(1, Math.min(asked, serverMax));
    const cont = q.get('continue');
    const from = cont === null ? 0 : Number(cont.replace(/^tok-/, ''));
    const page = items.slice(from, from + limit);
    const next = from + limit < items.length ? `tok-${String(from + limit)}` : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        kind: `${kind}List`,
        apiVersion,
        metadata: { resourceVersion: '77', ...(next !== undefined ? { continue: next } : {}) },
        items: page,
      }),
    );
  };
}

/** A hardened RKE cluster's objects for the list kinds, by route (Kubernetes 1.23). */
export function clusterObjects(): Record<string, KubeRoute> {
  const ns = (name: string) => ({ metadata: { name } });
  const inNs = (name: string, namespace: string, rest: Record<string, unknown> = {}) => ({
    metadata: { name, namespace },
    ...rest,
  });
  const namespaces = ['default', 'kube-system', 'ingress-nginx'];
  const pspUse = {
    apiGroups: ['policy'],
    resources: ['podsecuritypolicies'],
    verbs: ['use'],
    resourceNames: ['restricted-psp'],
  };
  return {
    '/version': answer({ major: '1', minor: '23', gitVersion: 'v1.23.16' }),
    '/api/v1/namespaces': pagedList('Namespace', 'v1', namespaces.map(ns)),
    '/api/v1/serviceaccounts': pagedList(
      'ServiceAccount',
      'v1',
      namespaces.map((n) => inNs('default', n, { automountServiceAccountToken: false })),
    ),
    '/apis/networking.k8s.io/v1/networkpolicies': pagedList(
      'NetworkPolicy',
      'networking.k8s.io/v1',
      namespaces.map((n) => inNs('default-allow-all', n, { spec: { podSelector: {} } })),
    ),
    '/api/v1/services': pagedList('Service', 'v1', [
      inNs('kubernetes', 'default', { spec: { type: 'ClusterIP' } }),
    ]),
    '/api/v1/pods': pagedList('Pod', 'v1', [
      inNs('nginx-ingress-controller-x1', 'ingress-nginx', {
        spec: {
          containers: [
            {
              name: 'controller',
              env: [{ name: 'POD_PASSWORD', value: 'env-secret-must-not-leak' }],
              securityContext: { privileged: false },
            },
          ],
        },
        status: { phase: 'Running', podIP: '10.42.0.7' },
      }),
    ]),
    '/apis/apps/v1/deployments': pagedList('Deployment', 'apps/v1', []),
    '/apis/policy/v1beta1/podsecuritypolicies': pagedList('PodSecurityPolicy', 'policy/v1beta1', [
      { metadata: { name: 'default-psp' }, spec: { privileged: true, hostPID: true } },
      { metadata: { name: 'restricted-psp' }, spec: { privileged: false, hostPID: false } },
    ]),
    '/apis/rbac.authorization.k8s.io/v1/clusterroles': pagedList(
      'ClusterRole',
      'rbac.authorization.k8s.io/v1',
      [{ metadata: { name: 'restricted-clusterrole' }, rules: [pspUse] }],
    ),
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings': pagedList(
      'ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1',
      [
        {
          metadata: { name: 'restricted-clusterrolebinding' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'restricted-clusterrole',
          },
          subjects: [
            {
              kind: 'Group',
              apiGroup: 'rbac.authorization.k8s.io',
              name: 'system:serviceaccounts',
            },
          ],
        },
      ],
    ),
    '/apis/rbac.authorization.k8s.io/v1/roles': pagedList(
      'Role',
      'rbac.authorization.k8s.io/v1',
      [],
    ),
    '/apis/rbac.authorization.k8s.io/v1/rolebindings': pagedList(
      'RoleBinding',
      'rbac.authorization.k8s.io/v1',
      [],
    ),
  };
}
