import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeDocker } from '../fakes/docker.js';
import { BIN } from '../helpers/run-cli.js';
import { plantRoot } from '../integration/plant-node.js';
import { DOCKER_CASES, type DockerCase } from './docker.cases.js';
import { HARDENED as example, hardenedRoutes } from './hardened-node.js';
import { expectOutcome, ISOLATED_ENV, runMain, type Run } from './harness.js';

let root = '';
let scratch = '';
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(() => {
  root = plantRoot(example);
  chmodSync(root, 0o755);
  scratch = mkdtempSync(join(tmpdir(), 'rkecis-hostile-docker-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** A unix socket whose connections `handle` takes, raw (no HTTP). */
async function rawSocket(handle: (s: net.Socket) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-raw-'));
  const path = join(dir, 'docker.sock');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    handle(s);
  });
  await new Promise<void>((r) => server.listen(path, r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) =>
      server.close(() => {
        r();
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  });
  return `unix://${path}`;
}

async function endpoint(c: DockerCase): Promise<string> {
  const e = c.engine;
  if ('url' in e) return e.url;
  if ('path' in e) return `unix://${await e.path(scratch)}`;
  if ('raw' in e) return rawSocket(e.raw);
  const fake = await fakeDocker({ ...hardenedRoutes(), ...e.routes });
  cleanups.push(fake.close);
  return fake.url;
}

/** The built CLI as nobody, asynchronously (the fake engine in this process must answer). */
function asNobody(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      uid: 65534,
      gid: 65534,
      env: { ...process.env, ...ISOLATED_ENV, KUBERNETES_SERVICE_HOST: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('the Docker Engine API misbehaving: rkecis scan', () => {
  it.each(DOCKER_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const url = await endpoint(c);
      if (c.asNobody === true && url.startsWith('unix://')) {
        // The folder is open to all, the socket to root only: nobody gets EACCES on connect.
        chmodSync(dirname(url.slice('unix://'.length)), 0o755);
        chmodSync(url.slice('unix://'.length), 0o600);
      }
      const args = [
        'scan',
        '--docker-host',
        url,
        '--root',
        root,
        '--format',
        'json',
        ...(c.options ?? []),
      ];
      const t0 = Date.now();
      const run = c.asNobody === true ? await asNobody(args) : await runMain(args);
      expect(Date.now() - t0, 'no hang: the deadline holds').toBeLessThan(15_000);
      const rep = expectOutcome(run, c.expect, c.name);
      if (rep !== undefined && c.expect.exit !== 2 && c.expect.absent?.includes('2.2.1') !== true) {
        // The scan went on: files were still read.
        expect(rep.results.find((r) => r.id === '2.2.1')?.status).toBe('pass');
      }
    },
    30_000,
  );
});
