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
 * is found by the whole request URL, or with `match: 'path'` by its path alone (kubectl adds
 * `?timeout=32s`). The tests and the benchmarks (bench/kube-api.ts) share it.
 */
export async function fakeKube(
  routes: Readonly<Record<string, KubeRoute>>,
  opts: { trust?: boolean; match?: 'url' | 'path' } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-fake-kube-'));
  const { cert, key } = selfSignedCert(0);
  const seen: { path: string; authorization: string | undefined }[] = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const key =
      opts.match === 'path' ? new URL(req.url ?? '/', 'https://x').pathname : (req.url ?? '');
    const route = routes[key];
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
