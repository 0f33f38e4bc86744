import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterObjects, fakeKube, pagedList, TOKEN } from '../fakes/kube.js';
import { makeEvidence } from '../helpers/evidence.js';
import { runCli } from '../helpers/run-cli.js';
import { SKIP_DOCKER, useEngine, type Engine } from '../integration/engine.js';
import { runCliAsync } from '../helpers/run-cli-async.js';

const PROFILE = 'test/fixtures/profiles/k8s-lists';

interface JsonReport {
  results: { id: string; status: string; actual: string; expected: string }[];
}
const statuses = (r: JsonReport) => Object.fromEntries(r.results.map((x) => [x.id, x.status]));

/**
 * The list kinds end to end: `rkecis collect` lists the fake API's hardened cluster page by
 * page with the real client code, the bundle is written, and `rkecis evaluate` judges it with a
 * profile holding one control of each kind. The Docker engine answers role detection only (the
 * roles are given), so the real one is used, as everywhere.
 */
describe.skipIf(SKIP_DOCKER)('the Kubernetes list kinds, collect then evaluate', () => {
  let dir: string;
  let engine: Engine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rkecis-k8s-lists-'));
    engine = await useEngine();
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await engine.stop();
  });

  async function collectAndEvaluate(routes: Parameters<typeof fakeKube>[0], name: string) {
    const api = await fakeKube(routes);
    try {
      const bundle = join(dir, `${name}.json`);
      const collected = await runCliAsync([
        'collect',
        '--docker-host',
        engine.host,
        '--root',
        dir,
        '--role',
        'controlplane',
        '--node-name',
        'cp1',
        '--kubeconfig',
        api.kubeconfig,
        '--profile',
        PROFILE,
        '--output',
        bundle,
      ]);
      expect(collected.stderr).toBe('');
      expect(collected.code).toBe(0);
      const text = readFileSync(bundle, 'utf8');
      const evaluated = await runCliAsync([
        'evaluate',
        bundle,
        '--profile',
        PROFILE,
        '--format',
        'json',
      ]);
      const textReport = await runCliAsync(['evaluate', bundle, '--profile', PROFILE]);
      return {
        text,
        seen: api.seen,
        report: JSON.parse(evaluated.stdout) as JsonReport,
        code: evaluated.code,
        textReport,
      };
    } finally {
      await api.close();
    }
  }

  it('judges each kind on the hardened cluster, reading each list once and keeping no secret', async () => {
    const { text, seen, report, textReport } = await collectAndEvaluate(
      clusterObjects(),
      'hardened',
    );
    expect(statuses(report)).toEqual({
      '5.1.5': 'pass',
      '5.2.1': 'pass',
      '5.2.3': 'pass',
      '5.2.9': 'fail',
      '5.3.2': 'pass',
      '5.7.4': 'pass',
    });
    const r = Object.fromEntries(report.results.map((x) => [x.id, x]));
    expect(r['5.2.9']?.actual).toBe('1 of 2 selected do not: podsecuritypolicies/default-psp');
    expect(r['5.2.3']?.actual).toBe(
      '1 of 2 selected satisfy it: podsecuritypolicies/restricted-psp',
    );
    expect(r['5.3.2']?.actual).toBe(
      'each of the 3 namespaces checked has at least 1 of networkpolicies',
    );
    expect(textReport.stdout).toContain('podsecuritypolicies/default-psp');
    // Each list read once, as one page here.
    const lists = seen.filter((s) => s.path !== '/version').map((s) => s.path);
    expect(new Set(lists).size).toBe(lists.length);
    expect(lists.sort()).toEqual([
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/api/v1/serviceaccounts',
      '/api/v1/services',
      '/apis/apps/v1/deployments',
      '/apis/networking.k8s.io/v1/networkpolicies',
      '/apis/policy/v1beta1/podsecuritypolicies',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      '/apis/rbac.authorization.k8s.io/v1/roles',
    ]);
    expect(text).not.toContain('env-secret-must-not-leak');
    expect(text).not.toContain('podIP');
    expect(text).not.toContain(TOKEN);
  });

  it('makes the controls that need a list it could not read whole errors, and only those', async () => {
    const routes = clusterObjects();
    routes['/api/v1/namespaces'] = (_req, res) => {
      // A list that pages forever: a new token each time.
      res.writeHead(200).end(
        JSON.stringify({
          kind: 'NamespaceList',
          metadata: { continue: `t${String(Math.random())}` },
          items: [],
        }),
      );
    };
    routes['/apis/policy/v1beta1/podsecuritypolicies'] = pagedList('Pod', 'v1', []);
    const { report, code } = await collectAndEvaluate(routes, 'broken');
    expect(statuses(report)).toEqual({
      '5.1.5': 'pass',
      '5.2.1': 'pass',
      '5.2.3': 'error',
      '5.2.9': 'error',
      '5.3.2': 'error',
      '5.7.4': 'pass',
    });
    expect(code).not.toBe(0);
    const r = Object.fromEntries(report.results.map((x) => [x.id, x]));
    expect(r['5.3.2']?.actual).toMatch(/still had more after 200 pages/);
    expect(r['5.2.3']?.actual).toMatch(/is a PodList, where a PodSecurityPolicyList was asked for/);
  }, 60_000);

  it('makes the PSP controls not applicable on Kubernetes 1.25 (404 there)', async () => {
    const routes = clusterObjects();
    delete routes['/apis/policy/v1beta1/podsecuritypolicies'];
    routes['/version'] = (_req, res) => {
      res.writeHead(200).end(JSON.stringify({ gitVersion: 'v1.25.9' }));
    };
    const { report } = await collectAndEvaluate(routes, 'k125');
    expect(statuses(report)).toMatchObject({
      '5.2.3': 'not-applicable',
      '5.2.9': 'not-applicable',
    });
  });
});

it('the test profile loads, and explain says what each list kind checks', () => {
  // Without Docker the describe above is skipped: the profile must still be valid data.
  const r = runCli(['explain', '5.3.2', '--profile', PROFILE]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('What rkecis checks (k8s-namespaces):');
  expect(r.stdout).toContain('every namespace has at least 1 of networkpolicies');
  expect(r.stdout).toContain('reads Kubernetes lists: namespaces, networkpolicies');
});

describe('the Kubernetes list kinds in rkecis cluster', () => {
  it('lists each resource once for the whole cluster, however many nodes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rkecis-k8s-cluster-'));
    const api = await fakeKube(clusterObjects());
    try {
      const bundles = join(dir, 'bundles');
      mkdirSync(bundles);
      for (const name of ['cp1', 'cp2', 'w1']) {
        const e = makeEvidence({ roles: name === 'w1' ? ['worker'] : ['controlplane', 'etcd'] });
        writeFileSync(join(bundles, `${name}.json`), JSON.stringify({ ...e, node: { name } }));
      }
      const r = await runCliAsync([
        'cluster',
        '--bundles',
        bundles,
        '--kubeconfig',
        api.kubeconfig,
        '--profile',
        PROFILE,
        '--format',
        'json',
      ]);
      expect(r.stderr).not.toMatch(/error/i);
      const lists = api.seen.filter((s) => s.path !== '/version').map((s) => s.path);
      expect(lists).toHaveLength(11);
      expect(new Set(lists).size).toBe(11);
      const report = JSON.parse(r.stdout) as { results: { id: string; status: string }[] };
      expect(Object.fromEntries(report.results.map((x) => [x.id, x.status]))).toEqual({
        '5.1.5': 'pass',
        '5.2.1': 'pass',
        '5.2.3': 'pass',
        '5.2.9': 'fail',
        '5.3.2': 'pass',
        '5.7.4': 'pass',
      });
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
