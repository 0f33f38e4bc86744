import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeReport } from '../../src/report/types.js';
import { fakeDocker, type Route } from '../fakes/docker.js';
import { answer, fakeKube, pspList, type KubeRoute } from '../fakes/kube.js';
import { plantRoot } from '../integration/plant-node.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { runMain } from './harness.js';

/**
 * Issue #9, "read-only": a scan changes nothing on the node. Every file under the root keeps its
 * mode, owner, size, mtime and ctime (a chmod, chown or write would move ctime), no file appears,
 * the Docker and Kubernetes APIs see GETs only, and the scan gives the same verdicts with the
 * root mounted read-only.
 */
interface Snapshot {
  [path: string]: {
    mode: number;
    uid: number;
    gid: number;
    size: number;
    mtimeMs: number;
    ctimeMs: number;
  };
}

function snapshot(root: string): Snapshot {
  const out: Snapshot = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      out[path.slice(root.length)] = {
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ctimeMs: st.ctimeMs,
      };
      if (st.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

const methods: string[] = [];
const recordMethod = <R extends Route | KubeRoute>(route: R): R =>
  ((req: Parameters<R>[0], res: Parameters<R>[1]) => {
    methods.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    route(req, res);
  }) as R;

let docker: Awaited<ReturnType<typeof fakeDocker>>;
let kube: Awaited<ReturnType<typeof fakeKube>>;
let root = '';
let mnt = '';
let mounted = false;

beforeAll(async () => {
  docker = await fakeDocker(
    Object.fromEntries(Object.entries(hardenedRoutes()).map(([p, r]) => [p, recordMethod(r)])),
  );
  kube = await fakeKube({
    '/version': recordMethod(answer({ gitVersion: 'v1.11.5' })),
    '/apis/policy/v1beta1/podsecuritypolicies': recordMethod(answer(pspList('policy/v1beta1'))),
  });
  root = plantRoot(HARDENED);
  mnt = mkdtempSync(join(tmpdir(), 'rkecis-hostile-ro-'));
  execFileSync('mount', ['--bind', root, mnt]);
  mounted = true;
  execFileSync('mount', ['-o', 'remount,bind,ro', mnt]);
});

afterAll(async () => {
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  await docker.close();
  await kube.close();
});

const scan = (r: string, ...extra: string[]) =>
  runMain([
    'scan',
    '--docker-host',
    docker.url,
    '--root',
    r,
    '--kubeconfig',
    kube.kubeconfig,
    '--format',
    'json',
    ...extra,
  ]);

describe('a scan changes nothing on the node', () => {
  it('modes, owners, sizes, mtimes and ctimes are unchanged, and no file appears', async () => {
    const before = snapshot(root);
    expect(Object.keys(before).length).toBeGreaterThan(15);
    for (const args of [[], ['--verbose'], ['--format', 'html']]) {
      const run = await scan(root, ...args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
    }
    const collect = await runMain([
      'collect',
      '--docker-host',
      docker.url,
      '--root',
      root,
      '--kubeconfig',
      kube.kubeconfig,
    ]);
    expect(collect.code).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  it('the Docker and Kubernetes APIs saw GET requests only', () => {
    expect(methods.length).toBeGreaterThan(10);
    expect(methods.filter((m) => !m.startsWith('GET '))).toEqual([]);
    // Nothing was asked that the scan does not need (every request hit a known route).
    expect(
      docker.paths.every((p) => p === '/_ping' || /^\/containers\/[a-z-]+\/json$/.test(p)),
    ).toBe(true);
  });

  it('works with the root mounted read-only, with the same verdicts', async () => {
    expect(() => execFileSync('touch', [join(mnt, 'etc/probe')], { stdio: 'ignore' })).toThrow();
    const rw = await scan(root);
    const ro = await scan(mnt);
    expect(ro.stderr).toBe('');
    expect(ro.code).toBe(rw.code);
    const view = (r: string) =>
      (JSON.parse(r) as NodeReport).results.map((x) => `${x.id} ${x.status} ${x.actual}`);
    expect(view(ro.stdout)).toEqual(view(rw.stdout));
    expect(
      (JSON.parse(ro.stdout) as NodeReport).results.find((x) => x.id === '1.1.35')?.status,
    ).toBe('pass');
  });
});
