import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffEvidence } from '../../src/diff/evidence.js';
import { parseEvidence } from '../../src/evidence/read.js';
import { evidenceText } from '../../src/diff/formatters/lines.js';
import type { Evidence, FileEvidence } from '../../src/evidence/schema.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { fakeDocker } from '../fakes/docker.js';
import { answer, fakeKube, pspList } from '../fakes/kube.js';
import { file, makeEvidence } from '../helpers/evidence.js';
import { plantRoot } from '../integration/plant-node.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { expectOutcome, expectStatuses, runMain, tempDir } from './harness.js';
import { META } from './profiles.cases.js';
import { PROTOTYPE_KEY_CASES, PROTOTYPE_NAMES } from './prototype-keys.cases.js';

const tmp = tempDir('prototype-keys');
let docker: Awaited<ReturnType<typeof fakeDocker>>;
const roots: string[] = [];
beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
});
afterAll(async () => {
  await docker.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  tmp.remove();
});
let n = 0;

const json = (text: string): unknown => JSON.parse(text);

describe('prototype-named keys in evidence bundles: rkecis evaluate', () => {
  it.each(PROTOTYPE_KEY_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const path = join(tmp.dir, `case-${++n}.json`);
    if (!('text' in c.input)) throw new Error('text cases only');
    writeFileSync(path, c.input.text());
    expectOutcome(await runMain(['evaluate', path, '--format', 'json']), c.expect, c.name);
  });
});

describe('parseEvidence with a __proto__ key', () => {
  it('keeps it, as an own key, and leaves the data it was given as it was', () => {
    const data = JSON.parse(
      readFileSync('examples/hardened-node.json', 'utf8').replace(
        '"files": {',
        '"files": {"__proto__": {"status": "absent"},',
      ),
    ) as { files: Record<string, unknown> };
    const before = JSON.stringify(data);
    const e = parseEvidence(data, 'b.json');
    expect(Object.hasOwn(e.files, '__proto__')).toBe(true);
    expect(Object.keys(e.files)[0]).toBe('__proto__');
    expect(e.files.__proto__).toEqual({ status: 'absent' });
    expect(JSON.stringify(data)).toBe(before);
    expect(JSON.stringify(e)).toContain('"__proto__":{"status":"absent"}');
  });
});

describe('a real file named after a prototype member: scan, and collect then evaluate', () => {
  it.each(PROTOTYPE_NAMES.map((name) => [name]))(
    'a world-writable CNI file named %s fails 1.4.9 either way',
    async (name) => {
      const root = plantRoot(HARDENED);
      roots.push(root);
      writeFileSync(join(root, 'etc/cni/net.d', name), '{}');
      chmodSync(join(root, 'etc/cni/net.d', name), 0o666);
      const scan = ['--docker-host', docker.url, '--root', root, '--timeout', '5'];
      const direct = await runMain(['scan', ...scan, '--format', 'json']);
      expectStatuses(json(direct.stdout) as NodeReport, { '1.4.9': 'fail' }, `scan ${name}`);
      expect(
        (json(direct.stdout) as NodeReport).results.find((r) => r.id === '1.4.9')?.actual,
      ).toContain(`/etc/cni/net.d/${name}: 666`);

      const bundle = join(tmp.dir, `bundle-${++n}.json`);
      const collected = await runMain(['collect', ...scan, '--output', bundle]);
      expect(collected.code, collected.stderr).toBe(0);
      const entries =
        (
          json(readFileSync(bundle, 'utf8')) as {
            files: Record<string, { entries: Record<string, { mode: string }> }>;
          }
        ).files['/etc/cni/net.d']?.entries ?? {};
      expect(Object.hasOwn(entries, name), 'the bundle keeps the entry').toBe(true);
      const later = await runMain(['evaluate', bundle, '--format', 'json']);
      expectStatuses(json(later.stdout) as NodeReport, { '1.4.9': 'fail' }, `evaluate ${name}`);
    },
    60_000,
  );
});

describe('prototype-named resources, objects and containers in a custom profile', () => {
  const section = (check: string): string => `section: '1.1'
title: API Server
controls:
  - id: 1.1.1
    title: a control whose check names a prototype member
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
${check}
    remediation: none
`;
  it.each([
    [
      'resource: __proto__',
      `      kind: k8s-object
      resource: __proto__
      name: restricted
      tests: [{ field: spec.privileged, set: false }]`,
      'error',
    ],
    [
      'resource: toString',
      `      kind: k8s-object
      resource: toString
      name: restricted
      tests: [{ field: spec.privileged, set: false }]`,
      'error',
    ],
    [
      'name: __proto__ (no such policy)',
      `      kind: k8s-object
      resource: podsecuritypolicies
      name: __proto__
      tests: [{ field: spec.privileged, set: false }]`,
      'fail',
    ],
    [
      'name: constructor (no such policy)',
      `      kind: k8s-object
      resource: podsecuritypolicies
      name: constructor
      tests: [{ field: spec.privileged, set: false }]`,
      'fail',
    ],
    [
      'container: constructor',
      `      kind: flag
      container: constructor
      tests: [{ flag: --anonymous-auth, set: false }]`,
      'error',
    ],
    [
      'container: __proto__',
      `      kind: flag
      container: __proto__
      tests: [{ flag: --anonymous-auth, set: false }]`,
      'error',
    ],
  ] as const)('%s: judged, no crash', async (_what, check, status) => {
    const dir = mkdtempSync(join(tmp.dir, 'profile-'));
    writeFileSync(join(dir, 'profile.yaml'), META);
    writeFileSync(join(dir, 's.yaml'), section(check));
    const run = await runMain([
      'evaluate',
      'examples/hardened-node.json',
      '--profile',
      dir,
      '--format',
      'json',
    ]);
    expectOutcome(run, { exit: 1, controls: { '1.1.1': status } });
  });

  it('resource: __proto__ in a scan: the collector says it does not know it, no crash', async () => {
    const dir = mkdtempSync(join(tmp.dir, 'profile-'));
    writeFileSync(join(dir, 'profile.yaml'), META);
    writeFileSync(
      join(dir, 's.yaml'),
      section(`      kind: k8s-object
      resource: __proto__
      name: restricted
      tests: [{ field: spec.privileged, set: false }]`),
    );
    const kube = await fakeKube({ '/version': answer({ gitVersion: 'v1.11.5' }) });
    try {
      const root = plantRoot(HARDENED);
      roots.push(root);
      const run = await runMain([
        'scan',
        '--docker-host',
        docker.url,
        '--root',
        root,
        '--kubeconfig',
        kube.kubeconfig,
        '--profile',
        dir,
        '--format',
        'json',
      ]);
      const rep = expectOutcome(run, { exit: 1, controls: { '1.1.1': 'error' } });
      expect(rep?.results[0]?.reason).toMatch(/does not know which API serves __proto__/);
    } finally {
      await kube.close();
    }
  });
});

describe('PodSecurityPolicies named after prototype members, from the API: rkecis scan', () => {
  it.each([
    ['__proto__', { restricted: { spec: { privileged: false } } }],
    ['toString', {}],
    ['constructor', {}],
  ] as const)(
    'a policy named %s is one more policy, and none is restricted',
    async (name, extra) => {
      const list = pspList('policy/v1beta1') as { items: { metadata: { name: string } }[] };
      // The restricted policy is renamed: only the prototype-named one is left of it.
      const items = list.items.map((i) =>
        i.metadata.name === 'restricted' ? { ...i, ...extra, metadata: { name } } : i,
      );
      const kube = await fakeKube({
        '/version': answer({ gitVersion: 'v1.11.5' }),
        '/apis/policy/v1beta1/podsecuritypolicies': answer({ ...list, items }),
      });
      try {
        const root = plantRoot(HARDENED);
        roots.push(root);
        const bundle = join(tmp.dir, `kube-${++n}.json`);
        const args = ['--docker-host', docker.url, '--root', root, '--kubeconfig', kube.kubeconfig];
        const run = await runMain(['scan', ...args, '--format', 'json']);
        const psp = ['1.7.1', '1.7.2', '1.7.3', '1.7.4', '1.7.5', '1.7.6', '1.7.7'];
        expectStatuses(
          json(run.stdout) as NodeReport,
          Object.fromEntries(psp.map((id) => [id, 'fail' as const])),
          name,
        );
        expect((await runMain(['collect', ...args, '--output', bundle])).code).toBe(0);
        const items2 = (
          json(readFileSync(bundle, 'utf8')) as {
            kubernetes: { resources: { podsecuritypolicies: { items: Record<string, unknown> } } };
          }
        ).kubernetes.resources.podsecuritypolicies.items;
        expect(Object.keys(items2).sort()).toEqual(['default-psp', name].sort());
      } finally {
        await kube.close();
      }
    },
  );
});

describe('a node named after a prototype member in a cluster report', () => {
  it.each(PROTOTYPE_NAMES.map((name) => [name]))(
    'node %s keeps its place in every per-node map',
    async (name) => {
      const dir = mkdtempSync(join(tmp.dir, 'bundles-'));
      for (const node of [name, 'w1']) {
        const e = JSON.parse(readFileSync('examples/hardened-node.json', 'utf8')) as {
          node: { name: string; hostname?: string };
        };
        e.node = { name: node };
        writeFileSync(join(dir, `${node}.json`), JSON.stringify(e));
      }
      const run = await runMain(['cluster', '--bundles', dir, '--format', 'json']);
      expect(run.stderr).toBe('');
      const rep = json(run.stdout) as ClusterReport;
      const r = rep.results.find((x) => x.id === '1.1.1');
      expect(Object.hasOwn(r?.nodes ?? {}, name), 'the node is in the map').toBe(true);
      expect(Object.keys(r?.nodes ?? {}).sort()).toEqual([name, 'w1'].sort());
      expect(rep.nodes.map((x) => x.name).sort()).toEqual([name, 'w1'].sort());
      expect(run.stdout).toContain(`"${name}": "pass"`);
    },
    60_000,
  );
});

describe('prototype-named keys in an evidence diff', () => {
  const psp = (items: Record<string, unknown>) =>
    makeEvidence({
      kubernetes: {
        version: 'v1.11.5',
        resources: { podsecuritypolicies: { status: 'ok', apiVersion: 'policy/v1beta1', items } },
      },
    });
  const lines = (a: Evidence, b: Evidence): string[] =>
    diffEvidence(a, b).map((c) => `${c.area} ${c.subject}: ${evidenceText(c)}`);
  it('a policy named constructor is added, and a field named toString changes', () => {
    expect(
      lines(
        psp({ restricted: { spec: { privileged: false } } }),
        psp({ restricted: { spec: { privileged: false, toString: 'x' } }, constructor: {} }),
      ),
    ).toEqual([
      'kubernetes podsecuritypolicies/constructor: added',
      'kubernetes podsecuritypolicies/restricted: spec.toString added: x',
    ]);
  });
  it('a CNI file named hasOwnProperty is added', () => {
    const cni = (entries: Record<string, FileEvidence>): Evidence =>
      makeEvidence({
        files: { '/etc/cni/net.d': file('755', 'root', 'root', { type: 'directory', entries }) },
      });
    expect(lines(cni({}), cni({ hasOwnProperty: file('666', 'root', 'root') }))).toEqual([
      'file /etc/cni/net.d/hasOwnProperty: added (file 666 root:root)',
    ]);
  });
});
