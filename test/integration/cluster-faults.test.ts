import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoles } from '../../src/collect/collect.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { ClusterReport, Status } from '../../src/report/types.js';
import { runCliAsync as cli } from '../helpers/run-cli-async.js';
import type { CliRun } from '../helpers/run-cli.js';
import { lockRkeNames, SKIP_DOCKER, useEngine, type Engine } from './engine.js';
import { importImages, plantApiServer, plantContainers, removeContainers } from './plant-node.js';
import { sshUnavailable } from './ssh-node.js';
import { ALL_ROLES, startFleet, type Fleet, type FleetNode } from './ssh-fleet.js';

/**
 * `rkecis cluster` over SSH when some nodes misbehave (issue #17, "bad input and faults at
 * scale"): of nine simulated nodes (test/integration/ssh-fleet.ts), one refuses connections, one
 * completes the SSH login and then never answers (its SFTP server never says hello), one answers
 * the Docker API only after longer than --timeout. The other six are scanned and judged as the
 * hardened node they are; each failed node is in the report's notScanned with its own reason;
 * and the run ends (a hung node is given up at --node-timeout, not waited for). How long it takes
 * is the cluster benchmark's business (bench/cluster-scan.ts --cluster-faults), not this test's.
 */

const hardened = readEvidence('examples/hardened-node.json');
const profile = loadProfile(DEFAULT_PROFILE);
const why = sshUnavailable();

describe.skipIf(SKIP_DOCKER)('rkecis cluster with faulty nodes (real sshd, one engine)', () => {
  let dir = '';
  let engine: Engine | undefined;
  let unlock: (() => Promise<void>) | undefined;
  let fleet: Fleet | undefined;
  let api: Awaited<ReturnType<typeof plantApiServer>> | undefined;
  let run: CliRun;
  let report: ClusterReport;
  let nodes: FleetNode[] = [];

  beforeAll(async () => {
    if (why !== undefined)
      throw new Error(`the SSH fault tests cannot run: ${why} (RKECIS_SKIP_DOCKER=1 skips them)`);
    // Short paths: unix socket paths must fit in 108 bytes.
    dir = mkdtempSync('/tmp/rkf-');
    engine = await useEngine();
    const images = [
      ...new Set(
        Object.values(hardened.containers).flatMap((c) =>
          c.status === 'present' ? [c.image] : [],
        ),
      ),
    ];
    await importImages(engine.host, images);
    unlock = await lockRkeNames(engine.host, images[0] as string);
    await removeContainers(engine.host, hardened).catch(() => undefined);
    await plantContainers(engine.host, hardened, { start: false });
    fleet = await startFleet({
      dir,
      example: hardened,
      engineSocket: engine.host.slice('unix://'.length),
      nodes: 6,
      faults: { refuse: 1, hang: 1, slowDocker: 1, slowDockerMs: 15_000 },
    });
    api = await plantApiServer(hardened);
    nodes = [...fleet.healthy, ...fleet.faulty];
    run = await cli([
      'cluster',
      '--config',
      fleet.clusterYml(join(dir, 'cluster.yml'), nodes),
      '--known-hosts',
      fleet.knownHosts,
      '--kubeconfig',
      api.kubeconfig,
      '--concurrency',
      '4',
      // Margins for a busy machine: a healthy node takes about a second here under load.
      '--timeout',
      '5',
      '--node-timeout',
      '12',
      '--format',
      'json',
    ]);
    report = JSON.parse(run.stdout || '{}') as ClusterReport;
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
    await api?.close();
    if (engine !== undefined) await removeContainers(engine.host, hardened).catch(() => undefined);
    await unlock?.();
    await engine?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('scans every healthy node and judges it as the node it is', () => {
    expect(run.stderr).toContain('3 of 9 nodes not scanned');
    expect(report.coverage).toMatchObject({ expected: 9, scanned: 6, complete: false });
    expect(report.nodes.map((n) => n.name).sort()).toEqual(
      fleet?.healthy.map((n) => n.name).sort(),
    );
    const want = new Map<string, Status>(
      evaluate(profile, { ...hardened, roles: declaredRoles(hardened.containers, ALL_ROLES) })
        .results.filter((r) => r.role !== 'cluster')
        .map((r) => [r.id, r.status]),
    );
    for (const node of fleet?.healthy ?? []) {
      const got = new Map<string, Status>();
      for (const r of report.results) {
        const s = r.nodes[node.name];
        if (r.scope === 'node' && s !== undefined) got.set(r.id, s);
      }
      expect([...got].sort()).toEqual([...want].sort());
    }
  });

  it('reports each failed node with its own reason', () => {
    const byFault = new Map(fleet?.faulty.map((n) => [n.name, n]));
    const reasons = Object.fromEntries(
      report.coverage.notScanned.map((n) => [byFault.get(n.name)?.fault ?? n.name, n]),
    );
    expect(Object.keys(reasons).sort()).toEqual(['hang', 'refuse', 'slow-docker']);
    const port = (fault: string): number => fleet?.faulty.find((n) => n.fault === fault)?.port ?? 0;
    expect(reasons.refuse).toMatchObject({
      source: `127.0.0.1:${port('refuse')}`,
      reason: expect.stringContaining('connection refused') as string,
    });
    // Logged in, then silence: only --node-timeout ends it.
    expect(reasons.hang?.reason).toMatch(/did not finish within 12s \(--node-timeout\)/);
    // The Docker API behind the proxy answers after 15 s: the ping gives up at --timeout.
    expect(reasons['slow-docker']?.reason).toMatch(/Docker host ssh:\/\/.*timed out/);
  });

  it('fails the run for the missing nodes (exit 1), with a report', () => {
    expect(run.code).toBe(1);
    expect(report.kind).toBe('cluster');
  });
});
