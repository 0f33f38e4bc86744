import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expectError } from './expect-error.js';
import { InputError } from '../../src/base/errors.js';
import {
  collectKubernetes,
  findKubeconfig,
  MAX_PAGES,
  PAGE_LIMIT,
  type KubeSource,
} from '../../src/collect/kubernetes.js';
import { parseEvidence } from '../../src/evidence/read.js';
import { resourceEvidenceSchema } from '../../src/evidence/schema.js';
import { answer, fakeKube, pagedList, pspList, TOKEN, type KubeRoute } from '../fakes/kube.js';
import { evidenceRoutes } from '../fakes/kube-objects.js';

const PSP = ['podsecuritypolicies'];
const POLICY = '/apis/policy/v1beta1/podsecuritypolicies';
const EXTENSIONS = '/apis/extensions/v1beta1/podsecuritypolicies';
const VERSION = { '/version': answer({ major: '1', minor: '11', gitVersion: 'v1.11.5' }) };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function run(
  routes: Record<string, KubeRoute>,
  opts: { trust?: boolean; timeoutMs?: number } = {},
) {
  const fake = await fakeKube(routes, opts);
  cleanups.push(fake.close);
  const source: KubeSource = { kind: 'kubeconfig', path: fake.kubeconfig, from: '--kubeconfig' };
  const got = await collectKubernetes(source, PSP, opts.timeoutMs ?? 3000);
  for (const r of Object.values(got.evidence.resources))
    expect(resourceEvidenceSchema.safeParse(r).success).toBe(true);
  // Credentials are sent, and never kept.
  expect(fake.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(JSON.stringify(got)).not.toContain(TOKEN);
  return { got, fake };
}

describe('collectKubernetes', () => {
  it('lists PodSecurityPolicies from policy/v1beta1, by name, without server bookkeeping', async () => {
    const { got, fake } = await run({ ...VERSION, [POLICY]: answer(pspList('policy/v1beta1')) });
    expect(got.server).toBe(fake.url);
    expect(got.evidence.version).toBe('v1.11.5');
    const psp = got.evidence.resources.podsecuritypolicies;
    expect(psp).toMatchObject({ status: 'ok', apiVersion: 'policy/v1beta1' });
    const items = (
      psp as { items: Record<string, { metadata: Record<string, unknown>; spec: unknown }> }
    ).items;
    expect(Object.keys(items)).toEqual(['restricted', 'default-psp']);
    expect(items.restricted?.spec).toMatchObject({
      requiredDropCapabilities: ['NET_RAW'],
      runAsUser: { rule: 'MustRunAsNonRoot' },
    });
    expect(items.restricted).toMatchObject({
      apiVersion: 'policy/v1beta1',
      kind: 'PodSecurityPolicy',
    });
    expect(items.restricted?.metadata).toEqual({
      name: 'restricted',
      uid: 'a1',
      annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default' },
    });
    expect(items['default-psp']?.metadata).toEqual({ name: 'default-psp' });
    expect(fake.seen.map((s) => s.path)).not.toContain(EXTENSIONS);
  });

  it('falls back to extensions/v1beta1 when policy/v1beta1 is not served', async () => {
    const { got, fake } = await run({ [EXTENSIONS]: answer(pspList('extensions/v1beta1')) });
    expect(got.evidence.resources.podsecuritypolicies).toMatchObject({
      status: 'ok',
      apiVersion: 'extensions/v1beta1',
    });
    expect(got.evidence).not.toHaveProperty('version');
    expect(fake.seen.filter((s) => s.path === POLICY)).toHaveLength(1);
  });

  it('says PodSecurityPolicy is not served when neither API has it on Kubernetes 1.25+', async () => {
    const { got } = await run({ '/version': answer({ gitVersion: 'v1.25.3' }) });
    expect(got.evidence.resources.podsecuritypolicies).toEqual({
      status: 'not-served',
      reason:
        'the API server runs Kubernetes v1.25.3: PodSecurityPolicy was removed in Kubernetes 1.25',
    });
  });

  it.each<[string, Record<string, KubeRoute>, RegExp]>([
    ['a server that reports v1.11', VERSION, /reports Kubernetes v1\.11\.5, which serves/],
    ['a server whose version cannot be read', {}, /version could not be read/],
    [
      'a server whose version is not one',
      { '/version': answer({ gitVersion: 'latest' }) },
      /"latest" is not a Kubernetes version/,
    ],
  ])(
    'takes 404 on both APIs from %s as an error, not as not-served',
    async (_what, routes, why) => {
      const { got } = await run(routes);
      expectError(got.evidence.resources.podsecuritypolicies, why);
      expectError(
        got.evidence.resources.podsecuritypolicies,
        /answered 404 for podsecuritypolicies/,
      );
    },
  );

  it.each<[string, KubeRoute, RegExp]>([
    [
      '401',
      answer({ kind: 'Status', message: 'Unauthorized', code: 401 }, 401),
      /HTTP 401 Unauthorized/,
    ],
    [
      '403',
      answer(
        {
          kind: 'Status',
          message: 'podsecuritypolicies.policy is forbidden: User "x" cannot list resource',
          code: 403,
        },
        403,
      ),
      /HTTP 403 Forbidden: podsecuritypolicies.policy is forbidden/,
    ],
    ['500', answer({ message: 'etcd down' }, 500), /HTTP 500: etcd down/],
    ['a body that is not a list', answer({ kind: 'Status' }), /not a Kubernetes list/],
    ['no answer', () => undefined, /timed out/],
  ])('reports %s as an error, not as not-served', async (_what, route, reason) => {
    const { got, fake } = await run(
      { [POLICY]: route, [EXTENSIONS]: answer(pspList('extensions/v1beta1')) },
      { timeoutMs: 300 },
    );
    expectError(got.evidence.resources.podsecuritypolicies, reason);
    expect(fake.seen.map((s) => s.path)).not.toContain(EXTENSIONS);
  });

  it('reports a server certificate the kubeconfig does not trust as a TLS error', async () => {
    const fake = await fakeKube({ [POLICY]: answer(pspList('policy/v1beta1')) }, { trust: false });
    cleanups.push(fake.close);
    const got = await collectKubernetes(
      { kind: 'kubeconfig', path: fake.kubeconfig, from: '--kubeconfig' },
      PSP,
      3000,
    );
    expectError(got.evidence.resources.podsecuritypolicies, /TLS: .*(self[- ]signed|certificate)/i);
  });

  it('records every resource as an error when there is no kubeconfig', async () => {
    const got = await collectKubernetes(
      { kind: 'none', reason: 'no kubeconfig: nothing found' },
      PSP,
      1000,
    );
    expect(got.evidence).toEqual({
      resources: {
        podsecuritypolicies: { status: 'error', reason: 'no kubeconfig: nothing found' },
      },
    });
  });

  it('refuses a kubeconfig file that does not exist, naming it', async () => {
    await expect(
      collectKubernetes(
        { kind: 'kubeconfig', path: '/nonexistent/kc', from: '--kubeconfig' },
        PSP,
        1000,
      ),
    ).rejects.toThrow(InputError);
    await expect(
      collectKubernetes(
        { kind: 'kubeconfig', path: '/nonexistent/kc', from: '--kubeconfig' },
        PSP,
        1000,
      ),
    ).rejects.toThrow(/^--kubeconfig \/nonexistent\/kc: no such file$/);
  });

  it('reports a resource it does not know how to list', async () => {
    const fake = await fakeKube(VERSION);
    cleanups.push(fake.close);
    const got = await collectKubernetes(
      { kind: 'kubeconfig', path: fake.kubeconfig, from: '--kubeconfig' },
      ['widgets'],
      1000,
    );
    expect(got.evidence.resources.widgets).toEqual({
      status: 'error',
      reason: 'rkecis does not know which API serves widgets',
    });
  });
});

describe('findKubeconfig', () => {
  it('takes --kubeconfig, then KUBECONFIG, then ~/.kube/config, then the pod', () => {
    expect(findKubeconfig('/a', { KUBECONFIG: '/b' })).toEqual({
      kind: 'kubeconfig',
      path: '/a',
      from: '--kubeconfig',
    });
    expect(findKubeconfig(undefined, { KUBECONFIG: '/b' })).toEqual({
      kind: 'kubeconfig',
      path: '/b',
      from: 'KUBECONFIG',
    });
    expect(findKubeconfig(undefined, { HOME: '/nonexistent-home' })).toEqual({
      kind: 'none',
      reason:
        'no kubeconfig: --kubeconfig not given, KUBECONFIG not set, /nonexistent-home/.kube/config not found, and not running in a pod',
    });
  });
});

describe('the fake API server that serves recorded objects (tests and bench/)', () => {
  it('gives the collector back the objects of the example node, matching by path', async () => {
    const node = parseEvidence(
      JSON.parse(readFileSync('examples/hardened-node.json', 'utf8')),
      'examples/hardened-node.json',
    );
    const fake = await fakeKube(evidenceRoutes(node), { match: 'path' });
    cleanups.push(fake.close);
    const source: KubeSource = { kind: 'kubeconfig', path: fake.kubeconfig, from: '--kubeconfig' };
    const got = await collectKubernetes(source, PSP, 3000);
    expect(got.evidence.version).toBe(node.kubernetes?.version);
    expect(got.evidence.resources.podsecuritypolicies).toEqual(
      node.kubernetes?.resources.podsecuritypolicies,
    );
  });
});

describe('collectKubernetes: the lists of the later guides, page by page', () => {
  async function list(routes: Record<string, KubeRoute>, resources: string[]) {
    const fake = await fakeKube(routes);
    cleanups.push(fake.close);
    const got = await collectKubernetes(
      { kind: 'kubeconfig', path: fake.kubeconfig, from: '--kubeconfig' },
      resources,
      5000,
    );
    for (const r of Object.values(got.evidence.resources))
      expect(resourceEvidenceSchema.safeParse(r).success).toBe(true);
    expect(JSON.stringify(got)).not.toContain(TOKEN);
    return { got, fake };
  }
  const itemsOf = (r: unknown) => (r as { items: Record<string, Record<string, unknown>> }).items;
  const NS = '/api/v1/namespaces';
  const many = Array.from({ length: 1234 }, (_, i) => ({ metadata: { name: `ns-${String(i)}` } }));

  it('reads every page of a list, each once, with limit and continue', async () => {
    const { got, fake } = await list({ [NS]: pagedList('Namespace', 'v1', many) }, ['namespaces']);
    const items = itemsOf(got.evidence.resources.namespaces);
    expect(Object.keys(items)).toHaveLength(1234);
    expect(items['ns-1233']).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns-1233' },
    });
    expect(fake.seen.filter((s) => s.path === NS).map((s) => s.url)).toEqual([
      `${NS}?limit=${String(PAGE_LIMIT)}`,
      `${NS}?limit=${String(PAGE_LIMIT)}&continue=tok-500`,
      `${NS}?limit=${String(PAGE_LIMIT)}&continue=tok-1000`,
    ]);
  });

  it('keys namespaced objects namespace/name and keeps no status, no environment', async () => {
    const container = (name: string) => ({
      name,
      image: 'nginx',
      env: [{ name: 'DB_PASSWORD', value: 'env-secret-must-not-leak' }],
      envFrom: [{ secretRef: { name: 'db' } }],
      securityContext: { privileged: false },
    });
    const podSpec = { containers: [container('a')], initContainers: [container('i')] };
    const { got } = await list(
      {
        '/api/v1/pods': pagedList('Pod', 'v1', [
          {
            metadata: { name: 'web', namespace: 'apps' },
            spec: podSpec,
            status: { phase: 'Running' },
          },
        ]),
        '/apis/batch/v1/cronjobs': pagedList('CronJob', 'batch/v1', [
          {
            metadata: { name: 'nightly', namespace: 'default' },
            spec: { jobTemplate: { spec: { template: { spec: podSpec } } } },
          },
        ]),
        '/apis/apps/v1/deployments': pagedList('Deployment', 'apps/v1', [
          { metadata: { name: 'web', namespace: 'apps' }, spec: { template: { spec: podSpec } } },
        ]),
      },
      ['pods', 'cronjobs', 'deployments'],
    );
    const text = JSON.stringify(got);
    expect(text).not.toContain('env-secret-must-not-leak');
    expect(text).not.toContain('secretRef');
    expect(text).not.toContain('Running');
    const pod = itemsOf(got.evidence.resources.pods)['apps/web'];
    expect(pod).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      spec: { containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: false } }] },
    });
    expect(pod).not.toHaveProperty('status');
    expect(Object.keys(itemsOf(got.evidence.resources.cronjobs))).toEqual(['default/nightly']);
    expect(got.evidence.resources.deployments).toMatchObject({
      status: 'ok',
      apiVersion: 'apps/v1',
    });
  });

  it('lists a kind from the older API its server has (RBAC v1beta1 on an old server)', async () => {
    const { got, fake } = await list(
      {
        '/apis/rbac.authorization.k8s.io/v1beta1/clusterroles': pagedList(
          'ClusterRole',
          'rbac.authorization.k8s.io/v1beta1',
          [{ metadata: { name: 'cluster-admin' }, rules: [] }],
        ),
      },
      ['clusterroles'],
    );
    expect(got.evidence.resources.clusterroles).toMatchObject({
      status: 'ok',
      apiVersion: 'rbac.authorization.k8s.io/v1beta1',
    });
    expect(fake.seen.map((s) => s.path)).toContain(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    );
  });

  const page = (body: unknown, status = 200): KubeRoute => answer(body, status);
  /** A route whose first page is good and whose second is `second`. */
  const thenPage =
    (second: KubeRoute): KubeRoute =>
    (req, res) => {
      if ((req.url ?? '').includes('continue=')) {
        second(req, res);
        return;
      }
      answer({
        kind: 'NamespaceList',
        metadata: { continue: 'tok-1' },
        items: [{ metadata: { name: 'default' } }],
      })(req, res);
    };

  it.each<[string, KubeRoute, RegExp]>([
    [
      'a continue token that repeats',
      (_req, res) =>
        res
          .writeHead(200)
          .end(
            JSON.stringify({ kind: 'NamespaceList', metadata: { continue: 'same' }, items: [] }),
          ),
      /continue token already given: the pages would never end/,
    ],
    [
      'a second page that is not JSON (cut short)',
      thenPage((_req, res) => res.writeHead(200).end('{"kind":"NamespaceList","items":[{"meta')),
      /page 2 is not JSON/,
    ],
    [
      'a second page of another kind',
      thenPage(page({ kind: 'PodList', items: [] })),
      /page 2 is a PodList, where a NamespaceList was asked for/,
    ],
    [
      'a first page of no kind',
      page({ items: [] }),
      /a list without a kind, where a NamespaceList/,
    ],
    ['a Status where a list was asked for', page({ kind: 'Status', items: [] }), /is a Status/],
    [
      'an expired continue token (410)',
      thenPage(page({ kind: 'Status', reason: 'Expired', code: 410 }, 410)),
      /410 Gone: the list changed faster than it could be read/,
    ],
    [
      'a second page that fails (403)',
      thenPage(page({ kind: 'Status', message: 'forbidden' }, 403)),
      /HTTP 403 Forbidden: forbidden/,
    ],
    [
      'the same object on two pages',
      thenPage(page({ kind: 'NamespaceList', items: [{ metadata: { name: 'default' } }] })),
      /default is listed twice/,
    ],
    [
      'an object without a name',
      page({ kind: 'NamespaceList', items: [{ metadata: {} }] }),
      /an object without a name/,
    ],
    [
      'a continue token that is not text',
      page({ kind: 'NamespaceList', metadata: { continue: 7 }, items: [] }),
      /continue token that is not text/,
    ],
  ])('makes %s an error, never a shorter list', async (_what, route, reason) => {
    const { got } = await list({ [NS]: route }, ['namespaces']);
    expectError(got.evidence.resources.namespaces, reason);
  });

  it('makes a namespaced object without a namespace an error', async () => {
    const { got } = await list(
      { '/api/v1/pods': page({ kind: 'PodList', items: [{ metadata: { name: 'web' } }] }) },
      ['pods'],
    );
    expectError(got.evidence.resources.pods, /web has no namespace/);
  });

  it(
    `stops a list that pages forever after ${String(MAX_PAGES)} pages`,
    { timeout: 60_000 },
    async () => {
      let n = 0;
      const { got } = await list(
        {
          [NS]: (_req, res) =>
            res.writeHead(200).end(
              JSON.stringify({
                kind: 'NamespaceList',
                metadata: { continue: `tok-${String(++n)}` },
                items: [],
              }),
            ),
        },
        ['namespaces'],
      );
      expectError(got.evidence.resources.namespaces, /still had more after 200 pages/);
      expect(n).toBe(MAX_PAGES);
    },
  );

  it('makes 404 for a kind no Kubernetes version removed an error, not not-served', async () => {
    const { got } = await list({ '/version': answer({ gitVersion: 'v1.27.6' }) }, [
      'networkpolicies',
      'podsecuritypolicies',
    ]);
    expectError(got.evidence.resources.networkpolicies, /answered 404 for networkpolicies/);
    expect(got.evidence.resources.podsecuritypolicies).toMatchObject({ status: 'not-served' });
  });
});
