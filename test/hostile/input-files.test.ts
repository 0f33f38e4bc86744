import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterReport } from '../../src/report/types.js';
import { BIN } from '../helpers/run-cli.js';
import { expectNoTrace, ISOLATED_ENV, runMain, tempDir } from './harness.js';
import {
  caseDir,
  clusterYmlWithKey,
  INPUT_FILE_CASES,
  type Fixtures,
} from './input-files.cases.js';

const tmp = tempDir('input-files');
afterAll(tmp.remove);
let f: Fixtures;

/** The real CLI, under a deadline: a run that hangs on its input is killed, and fails. */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...ISOLATED_ENV },
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });
  return { signal: r.signal, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const d = join(tmp.dir, 'fixtures');
  mkdirSync(join(d, 'bundles'), { recursive: true });
  const bundle = resolve('examples/hardened-node.json');
  copyFileSync(bundle, join(d, 'bundles', 'node.json'));
  writeFileSync(join(d, 'id_rsa'), 'not a key: never used, the run stops before any node\n');
  writeFileSync(join(d, 'known_hosts'), '');
  writeFileSync(join(d, 'some.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  const report = join(d, 'report.json');
  const r = await runMain(['evaluate', bundle, '--format', 'json', '--output', report]);
  expect(r.code, r.stderr).toBe(1);
  f = {
    dir: d,
    bundle,
    bundles: join(d, 'bundles'),
    waivers: resolve('examples/waivers-rancher-known-failures.yaml'),
    report,
    clusterYml: clusterYmlWithKey(join(d, 'cluster.yml'), join(d, 'id_rsa')),
    key: join(d, 'id_rsa'),
    knownHosts: join(d, 'known_hosts'),
    profileMeta: resolve('profiles/rke-cis-1.3.0/profile.yaml'),
    firstSection: '1.1-api-server.yaml',
    pem: join(d, 'some.pem'),
  };
});

describe('every input file is a regular file of bounded size, checked before it is read', () => {
  it.each(INPUT_FILE_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s',
    (_name, c, i) => {
      const d = caseDir(join(tmp.dir, 'cases'), i);
      const { path, args } = c.slot.place(f, d);
      c.file.make(path, c.slot.maxBytes);
      const before = readdirSync(d).sort();
      const r = cli(args);
      expect(
        r.signal,
        `${c.name}: finished by itself, not killed (stderr: ${r.stderr})`,
      ).toBeNull();
      expectNoTrace(r.stderr);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      // One line, naming the path as given and the problem.
      expect(r.stderr).toMatch(/^rkecis: [^\n]+\n$/);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toMatch(c.file.problem);
      // Nothing written beside the inputs (remediate's output folder included).
      expect(readdirSync(d).sort()).toEqual(before);
    },
    60_000,
  );
});

describe('cluster --bundles DIR: entries that are not bundle files', () => {
  it('are nodes not scanned, named with the reason; the other bundles are merged, nothing hangs', () => {
    const d = join(tmp.dir, 'bundle-entries');
    mkdirSync(d);
    copyFileSync(f.bundle, join(d, 'good.json'));
    execFileSync('mkfifo', [join(d, 'fifo.json')]);
    symlinkSync('/dev/zero', join(d, 'zero.json'));
    mkdirSync(join(d, 'folder.json'));
    const r = cli(['cluster', '--bundles', d, '--format', 'json', '--allow-partial']);
    expect(r.signal, r.stderr).toBeNull();
    expectNoTrace(r.stderr);
    expect(r.code, r.stderr).toBe(1);
    const rep = JSON.parse(r.stdout) as ClusterReport;
    const reasons = Object.fromEntries(rep.coverage.notScanned.map((n) => [n.name, n.reason]));
    expect(reasons).toEqual({
      fifo: 'a FIFO (named pipe), not a regular file; not an evidence bundle',
      folder: 'a folder, not a regular file; not an evidence bundle',
      zero: 'a character device, not a regular file; not an evidence bundle',
    });
    expect(rep.nodes.map((n) => n.name)).toContain('rke-hardened-1');
  });
});

describe('diff: something at the path is a file input, never a scan id', () => {
  it('a FIFO is refused as a file that is not a regular file, not as "no such file"', () => {
    const d = join(tmp.dir, 'diff');
    mkdirSync(d);
    const fifo = join(d, 'abc123');
    execFileSync('mkfifo', [fifo]);
    const r = cli(['diff', fifo, f.report]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `rkecis: ${fifo}: a FIFO (named pipe), not a regular file; not a report or evidence bundle\n`,
    );
  });
});
