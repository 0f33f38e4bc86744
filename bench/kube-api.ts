import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evidence } from '../src/evidence/schema.js';
import { selfSignedCert, TOKEN } from '../test/collect/fake-kube.js';

/**
 * An API server for the benchmark's node: the example's PodSecurityPolicies, served so that both
 * readers work against it: rkecis (GET /version and the list) and the guide's own
 * `kubectl get psp restricted -o jsonpath=...` (discovery of /api and /apis, then GET of the one
 * object). Routes match the path alone (kubectl adds ?timeout=32s).
 */
export async function benchApiServer(node: Evidence): Promise<{
  kubeconfig: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  const json = new Map<string, unknown>();
  const k = node.kubernetes;
  json.set('/version', {
    major: '1',
    minor: '11',
    gitVersion: k?.version ?? 'v1.11.5',
    platform: 'linux/amd64',
  });
  json.set('/api', {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
  json.set('/api/v1', { kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
  const groups: { name: string; versions: { groupVersion: string; version: string }[] }[] = [];
  for (const [resource, r] of Object.entries(k?.resources ?? {})) {
    if (r.status !== 'ok') continue;
    const [group = '', version = ''] = r.apiVersion.split('/');
    groups.push({ name: group, versions: [{ groupVersion: r.apiVersion, version }] });
    let kind = 'Unknown';
    const items = Object.values(r.items).map((item) => {
      const rest = { ...(item as Record<string, unknown>) };
      if (typeof rest.kind === 'string') kind = rest.kind;
      return rest;
    });
    json.set(`/apis/${r.apiVersion}`, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: r.apiVersion,
      resources: [
        {
          name: resource,
          singularName: '',
          namespaced: false,
          kind,
          verbs: ['get', 'list'],
          shortNames: resource === 'podsecuritypolicies' ? ['psp'] : [],
        },
      ],
    });
    json.set(`/apis/${r.apiVersion}/${resource}`, {
      kind: `${kind}List`,
      apiVersion: r.apiVersion,
      metadata: { resourceVersion: '1' },
      items: items.map((i) => ({ ...i, apiVersion: undefined, kind: undefined })),
    });
    for (const item of items) {
      const name = (item.metadata as { name?: string } | undefined)?.name;
      if (name !== undefined)
        json.set(`/apis/${r.apiVersion}/${resource}/${name}`, {
          ...item,
          apiVersion: r.apiVersion,
          kind,
        });
    }
  }
  json.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => ({ ...g, preferredVersion: g.versions[0] })),
  });

  let count = 0;
  const { cert, key } = selfSignedCert(0);
  const server = https.createServer({ cert, key }, (req: http.IncomingMessage, res) => {
    count++;
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const body = json.get(path);
    res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify(
        body ?? {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        },
      ),
    );
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-bench-kube-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: bench',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${Buffer.from(cert).toString('base64')}`,
      'users:',
      '- name: bench',
      '  user:',
      `    token: ${TOKEN}`,
      'contexts:',
      '- name: bench',
      '  context: {cluster: bench, user: bench}',
      'current-context: bench',
      '',
    ].join('\n'),
  );
  return {
    kubeconfig,
    requests: () => count,
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
