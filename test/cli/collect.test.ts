import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEvidence } from '../../src/evidence/read.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { runCliAsync } from '../helpers/run-cli-async.js';
import { dockerPing, fakeDocker, inspectOf, json } from '../fakes/docker.js';

const NO_KUBE = { HOME: '/nonexistent-home', KUBECONFIG: '' };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function engine() {
  const fake = await fakeDocker({
    '/_ping': dockerPing,
    '/containers/kubelet/json': json(inspectOf('kubelet', ['kubelet', '--anonymous-auth=false'])),
  });
  cleanups.push(fake.close);
  return fake;
}

describe('rkecis collect', () => {
  it('writes a valid bundle to --output, atomically, and exits 0', async () => {
    const fake = await engine();
    const dir = mkdtempSync(join(tmpdir(), 'rkecis-collect-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const r = await runCliAsync(
      // --node-name: the root has no etc/hostname (test/hostile/first-use-host.test.ts).
      [
        'collect',
        '--docker-host',
        fake.url,
        '--root',
        dir,
        '--node-name',
        'w1',
        '--output',
        join(dir, 'b.json'),
      ],
      { env: NO_KUBE },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['b.json']);
    const ev = parseEvidence(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')), 'b.json');
    expect(ev.roles.detected).toEqual(['worker']);
    expect(ev.containers.kubelet).toMatchObject({
      status: 'present',
      args: ['kubelet', '--anonymous-auth=false'],
    });
    expect(JSON.stringify(ev)).not.toContain('env-secret-value');
  });

  it('scan exits 1 when scored controls fail or cannot be judged, like evaluate', async () => {
    const fake = await engine();
    const root = mkdtempSync(join(tmpdir(), 'rkecis-empty-root-'));
    cleanups.push(() => {
      rmSync(root, { recursive: true, force: true });
    });
    const r = await runCliAsync(
      ['scan', '--docker-host', fake.url, '--root', root, '--node-name', 'w1', '--format', 'json'],
      { env: NO_KUBE },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      results: { id: string; status: string; reason?: string }[];
    };
    expect(report.results.find((x) => x.id === '2.1.2')?.status).toBe('pass');
  });
});

describe('rkecis collect and scan: bad input is one clear message and exit 2', () => {
  it.each<[string, string[], RegExp]>([
    [
      'a missing Docker socket',
      ['--docker-host', 'unix:///nonexistent/docker.sock'],
      /^rkecis: Docker host unix:\/\/\/nonexistent\/docker.sock: no such socket/,
    ],
    [
      'a malformed Docker host',
      ['--docker-host', 'http://x'],
      /^rkecis: --docker-host http:\/\/x: expected unix:\/\/\/path/,
    ],
    [
      'an unknown role',
      ['--role', 'master'],
      /^rkecis: --role "master": expected a comma-separated list of controlplane, etcd, worker/,
    ],
    [
      'a bad timeout',
      ['--timeout', 'soon'],
      /^rkecis: --timeout "soon": expected a number of seconds/,
    ],
    ['an unknown profile', ['--profile', 'nope'], /^rkecis: unknown profile "nope"/],
    [
      'a root that is not there',
      ['--root', '/nonexistent-root'],
      /^rkecis: --root \/nonexistent-root: no such folder/,
    ],
  ])('%s', (_what, args, message) => {
    for (const cmd of ['collect', 'scan']) {
      const r = runCli([cmd, '--docker-host', 'unix:///nonexistent/docker.sock', ...args], {
        env: NO_KUBE,
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a kubeconfig file that does not exist', async () => {
    const fake = await engine();
    const r = await runCliAsync(
      ['scan', '--docker-host', fake.url, '--kubeconfig', '/nonexistent/kubeconfig'],
      { env: NO_KUBE },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rkecis: --kubeconfig /nonexistent/kubeconfig: no such file\n');
  });
});

/** Whether an unprivileged user can run the CLI from here (every folder above it searchable). */
function othersCanRun(file: string): boolean {
  for (let dir = dirname(file); dir !== '/'; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}

describe('rkecis collect without access to the Docker socket', () => {
  // As root, the CLI runs as nobody, for whom the socket's folder (mkdtemp, 0700) is closed;
  // otherwise the socket itself is closed to us. Root reading everything makes no other way.
  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot && !othersCanRun(BIN))('names the socket and the problem, exit 2', async () => {
    const fake = await engine();
    if (!asRoot) chmodSync(fake.socket, 0);
    const r = spawnSync(process.execPath, [BIN, 'collect', '--docker-host', fake.url], {
      encoding: 'utf8',
      env: { ...process.env, ...NO_KUBE, NO_COLOR: '1' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.stderr).toBe(
      `rkecis: Docker host ${fake.url}: permission denied on the socket (run as root or a member of the docker group)\n`,
    );
    expect(r.status).toBe(2);
  });
});
