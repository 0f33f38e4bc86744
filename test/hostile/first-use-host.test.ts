import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDocker } from '../fakes/docker.js';
import { plantRoot } from '../integration/plant-node.js';
import type { Evidence } from '../../src/evidence/schema.js';
import type { NodeReport } from '../../src/report/types.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { bad, expectNoTrace, expectOutcome, runMain, tempDir } from './harness.js';

/**
 * First use on the wrong machine, or with the node mounted halfway: `collect` and `scan` on an
 * engine with no RKE container at all (nothing of the node can be judged: exit 2, said why), and
 * a `--root` without its etc/hostname (the node is named after this machine: said so).
 */
const tmp = tempDir('first-use-host');
let root = '';
type Engine = Awaited<ReturnType<typeof fakeDocker>>;
let engine: Engine | undefined;
let empty: Engine | undefined;
beforeAll(async () => {
  root = plantRoot(HARDENED);
  chmodSync(root, 0o755);
  rmSync(join(root, 'etc/hostname'));
  engine = await fakeDocker(hardenedRoutes());
  // Every container "No such container", as the engine of a machine that is not an RKE node.
  empty = await fakeDocker({ '/_ping': hardenedRoutes()['/_ping'] as never });
});
afterAll(async () => {
  await engine?.close();
  await empty?.close();
  rmSync(root, { recursive: true, force: true });
  tmp.remove();
});

const NOT_RKE =
  /^rkecis: no RKE container on the Docker engine unix:\/\/\S+: none of (?:[a-z-]+, )+[a-z-]+ exists, so nothing of this node can be judged \(is this an RKE node/;

describe('an engine with no RKE container', () => {
  it.each(['collect', 'scan'])('rkecis %s: exit 2, saying so, nothing written', async (cmd) => {
    const out = join(tmp.dir, `${cmd}-out`);
    const run = await runMain([
      cmd,
      '--docker-host',
      empty?.url ?? '',
      '--root',
      root,
      '--output',
      out,
    ]);
    expectOutcome(run, bad(NOT_RKE));
    expect(existsSync(out)).toBe(false);
  });

  it('--role judges the node as given: a report whose controls err, not a refusal', async () => {
    const run = await runMain([
      'scan',
      '--docker-host',
      empty?.url ?? '',
      '--root',
      root,
      '--node-name',
      'w1',
      '--role',
      'worker',
      // No container shows a Kubernetes version to choose the profile by.
      '--profile',
      'rke-cis-1.3.0',
      '--format',
      'json',
    ]);
    expectNoTrace(run.stderr);
    expect(run.code).toBe(1);
    const rep = JSON.parse(run.stdout) as NodeReport;
    expect(rep.results.find((r) => r.id === '2.1.2')?.status).toBe('error');
  });
});

describe('--root without etc/hostname', () => {
  it('scan: the node is named after this machine, and stderr says so', async () => {
    const run = await runMain([
      'scan',
      '--docker-host',
      engine?.url ?? '',
      '--root',
      root,
      '--format',
      'json',
    ]);
    expectNoTrace(run.stderr);
    expect(run.stderr).toBe(
      `rkecis: --root ${root} has no usable etc/hostname (missing, unreadable, or not a host name), so the node is named ${hostname()}, this machine's hostname; mount the node's /etc/hostname at ${root}/etc/hostname, or name it with --node-name\n`,
    );
    const rep = JSON.parse(run.stdout) as NodeReport;
    expect(rep.node.name).toBe(hostname());
    expect(rep.node.hostname).toBeUndefined();
  });

  it('collect: the same, in the bundle', async () => {
    const out = join(tmp.dir, 'bundle.json');
    const run = await runMain([
      'collect',
      '--docker-host',
      engine?.url ?? '',
      '--root',
      root,
      '--output',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /has no usable etc\/hostname \(missing, unreadable, or not a host name\), so the node is named/,
    );
    const { readFileSync } = await import('node:fs');
    expect((JSON.parse(readFileSync(out, 'utf8')) as Evidence).node).toEqual({ name: hostname() });
  });

  it('--node-name names it: nothing to say', async () => {
    const run = await runMain([
      'scan',
      '--docker-host',
      engine?.url ?? '',
      '--root',
      root,
      '--node-name',
      'rke-node-7',
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as NodeReport).node.name).toBe('rke-node-7');
    expect(readdirSync(tmp.dir)).not.toContain('rke-node-7');
  });
});
