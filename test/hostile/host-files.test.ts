import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeReport } from '../../src/report/types.js';
import { fakeDocker } from '../fakes/docker.js';
import { BIN } from '../helpers/run-cli.js';
import { plantRoot } from '../integration/plant-node.js';
import { expectNoTrace, expectStatuses, ISOLATED_ENV, runMain, type Run } from './harness.js';
import { HARDENED as example, hardenedRoutes } from './hardened-node.js';
import { HOST_FILE_CASES, OUTSIDE_SECRET, SOCKETS, type HostFileCase } from './host-files.cases.js';

let docker: Awaited<ReturnType<typeof fakeDocker>>;
let outside = '';
let baseline: NodeReport;
const roots: string[] = [];

/** The planted hardened node: a fresh root per case (the cases change it). */
function freshRoot(): string {
  const root = plantRoot(example);
  roots.push(root);
  // Traversable by nobody, for the cases that scan as nobody.
  chmodSync(root, 0o755);
  return root;
}

const scanArgs = (root: string): string[] => [
  'scan',
  '--docker-host',
  docker.url,
  '--root',
  root,
  '--format',
  'json',
  '--timeout',
  '5',
];

/** The built CLI as nobody, without blocking this process (its fake Docker must answer). */
function scanAsNobody(root: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...scanArgs(root)], {
      uid: 65534,
      gid: 65534,
      env: { ...process.env, ...ISOLATED_ENV, KUBERNETES_SERVICE_HOST: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
  // nobody must reach the socket too.
  chmodSync(dirname(docker.socket), 0o755);
  chmodSync(docker.socket, 0o666);
  outside = mkdtempSync(join(tmpdir(), 'rkecis-hostile-outside-'));
  chmodSync(outside, 0o755);
  writeFileSync(
    join(outside, 'secret.yaml'),
    `resources: [{providers: [{aescbc: {keys: [{secret: ${OUTSIDE_SECRET}}]}}]}]\n`,
  );
  const run = await runMain(scanArgs(freshRoot()));
  expect(run.stderr).toBe('');
  baseline = JSON.parse(run.stdout) as NodeReport;
}, 60_000);

afterAll(async () => {
  await docker.close();
  for (const s of SOCKETS) s.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('hostile host files: rkecis scan --root', () => {
  it('the untouched node scans as the example evaluates (the baseline of every case)', () => {
    expectStatuses(baseline, {
      '1.1.1': 'pass',
      '1.1.35': 'pass',
      '2.2.1': 'pass',
      '2.2.2': 'pass',
      '1.4.11': 'fail',
      '1.7.1': 'error',
    });
  });

  it.each(HOST_FILE_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c: HostFileCase) => {
      const root = freshRoot();
      await c.setup(root, outside);
      const run = c.asNobody === true ? await scanAsNobody(root) : await runMain(scanArgs(root));
      expectNoTrace(run.stderr);
      if (c.stderr !== undefined) expect(run.stderr).toMatch(c.stderr);
      else expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain(OUTSIDE_SECRET);
      const report = JSON.parse(run.stdout) as NodeReport;
      expectStatuses(report, c.controls, c.name);
      // The scan goes on: every other control has its verdict on the untouched node.
      const before = new Map(baseline.results.map((x) => [x.id, x.status]));
      const changed = report.results
        .filter((x) => !(x.id in c.controls) && before.get(x.id) !== x.status)
        .map((x) => `${x.id}: ${before.get(x.id) ?? 'absent'} -> ${x.status} (${x.actual})`);
      expect(changed.join('\n'), 'controls the case does not name keep their verdicts').toBe('');
      expect(report.results.map((x) => x.id)).toEqual(baseline.results.map((x) => x.id));
    },
    90_000,
  );
});
