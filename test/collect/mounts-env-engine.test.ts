import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFrom } from '../../src/collect/collect.js';
import { DockerClient, dockerEndpoint } from '../../src/collect/docker.js';
import { localFs } from '../../src/collect/node-fs.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import { docker, SKIP_DOCKER, useEngine, type Engine } from '../integration/engine.js';
import { importImages } from '../integration/plant-node.js';

/**
 * Container mounts and named environment variables through the real Docker engine: a container
 * planted with a bind mount and variables (a secret among them), collected with a profile whose
 * checks read a path from its flag and one variable. Its name is this test's own, so it needs no
 * turn at RKE's names.
 */
const NAME = `rkecis-later-files-${process.pid}`;
const IMAGE = 'rkecis-test/later-files:busybox';
const SECRET = 'mounts-env-secret-a81c4e';

describe.skipIf(SKIP_DOCKER)('mounts and environment variables on a real engine', () => {
  let engine: Engine | undefined;
  let dir = '';
  let evidence: Evidence | undefined;

  beforeAll(async () => {
    engine = await useEngine();
    await importImages(engine.host, [IMAGE]);
    dir = mkdtempSync(join(tmpdir(), 'rkecis-mounts-'));
    const data = join(dir, 'etcd-data');
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, 52036, 52036);
    await docker(engine.host, ['rm', '-f', NAME]).catch(() => '');
    await docker(engine.host, [
      'create',
      '--name',
      NAME,
      '--network',
      'none',
      '-v',
      `${data}:/var/lib/rancher/etcd:rw`,
      '-v',
      `${dir}:/host-dir:ro`,
      '-e',
      'ETCD_AUTO_TLS=false',
      '-e',
      `SECRET=${SECRET}`,
      '--entrypoint',
      '/usr/local/bin/etcd',
      IMAGE,
      '--data-dir=/var/lib/rancher/etcd/',
    ]);
    // The profile names this container: its data dir (through the mount) and one variable.
    const profileDir = join(dir, 'profile');
    mkdirSync(profileDir);
    writeFileSync(
      join(profileDir, 'profile.yaml'),
      `name: mounts-env\ntitle: t\nbenchmark: {name: b, version: '1'}\nkubernetes: '1.20'\ngroups: [{id: '1', title: t}]\nsections: [1.1-x.yaml]\n`,
    );
    const control = (id: string, check: string) =>
      `  - id: '${id}'\n    title: t\n    scored: true\n    role: controlplane\n    guide: {result: PASS}\n    check: ${check}\n    remediation: r\n`;
    writeFileSync(
      join(profileDir, '1.1-x.yaml'),
      `section: '1.1'\ntitle: t\ncontrols:\n` +
        control(
          '1.1.1',
          `{kind: file-mode, from: {container: ${NAME}, flag: --data-dir}, max: '700'}`,
        ) +
        control(
          '1.1.2',
          `{kind: file-owner, from: {container: ${NAME}, flag: --data-dir}, owner: '52036:52036'}`,
        ) +
        control(
          '1.1.3',
          `{kind: flag, container: ${NAME}, match: all, tests: [{env: ETCD_AUTO_TLS, op: eq, value: 'false'}, {env: ETCD_PEER_AUTO_TLS, set: false}]}`,
        ),
    );
    const profile = loadProfile(profileDir);
    evidence = await collectFrom({
      profile,
      fs: localFs('/'),
      docker: new DockerClient(dockerEndpoint(engine.host, {})),
      kubernetes: { note: 'not queried' },
      timeoutMs: 10_000,
      roles: ['controlplane'],
    });
    const report = evaluate(profile, evidence);
    results = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
  }, 120_000);

  let results: Record<string, string> = {};

  afterAll(async () => {
    if (engine !== undefined) {
      await docker(engine.host, ['rm', '-f', NAME]).catch(() => '');
      await engine.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the mounts: type, source, destination, rw', () => {
    const c = evidence?.containers[NAME];
    expect(c?.status).toBe('present');
    if (c?.status !== 'present') return;
    expect(c.mounts).toEqual(
      expect.arrayContaining([
        {
          type: 'bind',
          source: join(dir, 'etcd-data'),
          destination: '/var/lib/rancher/etcd',
          rw: true,
        },
        { type: 'bind', source: dir, destination: '/host-dir', rw: false },
      ]),
    );
  });

  it('keeps only the variables the profile names; the secret is nowhere in the evidence', () => {
    const c = evidence?.containers[NAME];
    expect(c?.status === 'present' ? c.env : undefined).toEqual({
      ETCD_AUTO_TLS: 'false',
      ETCD_PEER_AUTO_TLS: null,
    });
    const text = JSON.stringify(evidence);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('PATH=');
  });

  it('reads the host path the flag names through the mount, and judges it', () => {
    expect(evidence?.files[join(dir, 'etcd-data')]).toMatchObject({
      status: 'present',
      type: 'directory',
      mode: '700',
      uid: 52036,
    });
    expect(results).toEqual({ '1.1.1': 'pass', '1.1.2': 'pass', '1.1.3': 'pass' });
  });
});
