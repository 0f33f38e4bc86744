import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeDocker } from '../fakes/docker.js';
import { answer, fakeKube, pspList, TOKEN, type KubeRoute } from '../fakes/kube.js';
import { plantRoot } from '../integration/plant-node.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { expectOutcome, runMain } from './harness.js';
import { KUBE_CASES, type KubeCase } from './kube.cases.js';

let docker: Awaited<ReturnType<typeof fakeDocker>>;
let root = '';
let scratch = '';
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
  root = plantRoot(HARDENED);
  scratch = mkdtempSync(join(tmpdir(), 'rkecis-hostile-kube-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(async () => {
  await docker.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** A plain-HTTP server where the kubeconfig expects TLS. */
async function plainServer(): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(200).end('{"items": []}'));
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          r();
        });
      }),
  );
  return `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** The kubeconfig file the case scans with, and the canary no command may create. */
async function kubeconfigFor(c: KubeCase, n: number): Promise<{ path: string; canary: string }> {
  const routes: Record<string, KubeRoute> = {
    '/version': answer({ gitVersion: 'v1.11.5' }),
    '/apis/policy/v1beta1/podsecuritypolicies': answer(pspList('policy/v1beta1')),
    ...c.routes,
  };
  // Like a real API server: no bearer token, no answer but 401.
  for (const [path, route] of Object.entries(routes)) {
    routes[path] = (req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res
          .writeHead(401, { 'Content-Type': 'application/json' })
          .end('{"message":"Unauthorized"}');
      } else route(req, res);
    };
  }
  const fake = await fakeKube(routes, c.untrusted === true ? { trust: false } : {});
  cleanups.push(fake.close);
  let text = readFileSync(fake.kubeconfig, 'utf8');
  let url = fake.url;
  if (c.plainHttp === true) {
    url = await plainServer();
    text = text.replace(fake.url, url);
  }
  const canary = join(scratch, `canary-${n}`);
  const dir = mkdtempSync(join(scratch, 'kc-'));
  const rewritten = c.kubeconfig?.(text, { url, canary, dir }) ?? text;
  if (rewritten.startsWith('@PATH@')) return { path: rewritten.slice('@PATH@'.length), canary };
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(path, rewritten);
  return { path, canary };
}

describe('the Kubernetes API misbehaving, and hostile kubeconfigs: rkecis scan', () => {
  it.each(KUBE_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s',
    async (_name, c, i) => {
      const kc = await kubeconfigFor(c, i);
      const t0 = Date.now();
      const run = await runMain([
        'scan',
        '--docker-host',
        docker.url,
        '--root',
        root,
        '--kubeconfig',
        kc.path,
        '--format',
        'json',
        ...(c.options ?? ['--timeout', '5']),
      ]);
      expect(Date.now() - t0, 'no hang').toBeLessThan(15_000);
      const rep = expectOutcome(run, c.expect, c.name);
      // No credential in any output, and no command run on the kubeconfig's say-so.
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
      expect(existsSync(kc.canary), 'no command from the kubeconfig was run').toBe(false);
      if (rep !== undefined) {
        // The scan went on.
        expect(rep.results.find((r) => r.id === '1.1.1')?.status).toBe('pass');
        expect(rep.results.find((r) => r.id === '2.2.1')?.status).toBe('pass');
      }
    },
    30_000,
  );
});
