import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretCutter, withoutCredentials } from '../../src/collect/secrets.js';
import type { NodeReport, Status } from '../../src/report/types.js';
import { fakeDocker } from '../fakes/docker.js';
import { answer, fakeKube, pspList, type KubeRoute } from '../fakes/kube.js';
import { plantRoot } from '../integration/plant-node.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { expectNoTrace, expectStatuses, runMain, tempDir } from './harness.js';
import { LEAK_CASES, SERVED_CASES } from './leaks.cases.js';

const tmp = tempDir('leaks');
let docker: Awaited<ReturnType<typeof fakeDocker>>;
let root = '';
beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
  root = plantRoot(HARDENED);
});
afterAll(async () => {
  await docker.close();
  rmSync(root, { recursive: true, force: true });
  tmp.remove();
});
const PSP = ['1.7.1', '1.7.2', '1.7.3', '1.7.4', '1.7.5', '1.7.6', '1.7.7'];
const psp = (s: Status): Record<string, Status> => Object.fromEntries(PSP.map((id) => [id, s]));
let n = 0;

/** Scans and collects with a fake API; returns everything rkecis wrote. */
async function scanWith(
  routes: Record<string, KubeRoute>,
  rewrite?: (text: string, url: string) => string,
): Promise<{ report: NodeReport; outputs: string }> {
  const kube = await fakeKube({
    '/version': answer({ gitVersion: 'v1.11.5' }),
    '/apis/policy/v1beta1/podsecuritypolicies': answer(pspList('policy/v1beta1')),
    ...routes,
  });
  try {
    const kubeconfig = join(tmp.dir, `kubeconfig-${++n}.yaml`);
    const text = readFileSync(kube.kubeconfig, 'utf8');
    writeFileSync(kubeconfig, rewrite?.(text, kube.url) ?? text);
    // The 1.11 profile whatever version the server claims (a claim of 1.25 would choose another).
    const args = [
      '--docker-host',
      docker.url,
      '--root',
      root,
      '--kubeconfig',
      kubeconfig,
      '--profile',
      'rke-cis-1.3.0',
    ];
    const scan = await runMain(['scan', ...args, '--format', 'json', '--timeout', '5']);
    expectNoTrace(scan.stderr);
    const bundle = join(tmp.dir, `bundle-${n}.json`);
    const collect = await runMain(['collect', ...args, '--output', bundle, '--timeout', '5']);
    expect(collect.code, collect.stderr).toBe(0);
    const later = await runMain([
      'evaluate',
      bundle,
      '--format',
      'text',
      '--profile',
      'rke-cis-1.3.0',
    ]);
    return {
      report: JSON.parse(scan.stdout) as NodeReport,
      outputs: [
        scan.stdout,
        scan.stderr,
        collect.stderr,
        readFileSync(bundle, 'utf8'),
        later.stdout,
      ].join('\n'),
    };
  } finally {
    await kube.close();
  }
}

describe('credentials given back by the Kubernetes API, or in the server URL: scan, collect, evaluate', () => {
  it.each(LEAK_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { report, outputs } = await scanWith(c.routes ?? {}, c.kubeconfig);
      expectStatuses(report, psp(c.psp), c.name);
      for (const secret of c.secrets)
        expect(outputs, `no output holds ${secret}`).not.toContain(secret);
      expect(outputs).toContain('<redacted>');
    },
    60_000,
  );
});

describe('PodSecurityPolicy answered 404 by both APIs: only the server version rules it out', () => {
  it.each(SERVED_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { report } = await scanWith({
        '/version': c.version,
        '/apis/policy/v1beta1/podsecuritypolicies': answer({ message: 'not found' }, 404),
        '/apis/extensions/v1beta1/podsecuritypolicies': answer({ message: 'not found' }, 404),
      });
      expectStatuses(report, psp(c.psp), c.name);
      expect(report.results.find((r) => r.id === '1.7.1')?.reason).toMatch(c.reason);
    },
    60_000,
  );
});

describe('secretCutter', () => {
  const cut = secretCutter(['abcdefghijklmnopqrstuvwxyz0123', 'pw', undefined, 'p@ss&word!']);
  it.each([
    [
      'the whole secret',
      'token abcdefghijklmnopqrstuvwxyz0123 refused',
      'token <redacted> refused',
    ],
    [
      'a prefix of 24 characters',
      'token abcdefghijklmnopqrstuvwx... refused',
      'token <redacted>... refused',
    ],
    ['a prefix of 8 characters', 'abcdefgh!', '<redacted>!'],
    ['each occurrence', 'abcdefghijk and abcdefghij', '<redacted> and <redacted>'],
    ['a 7-character prefix is ordinary text', 'abcdefg', 'abcdefg'],
    ['a secret shorter than 6 characters is left alone', 'pw pw', 'pw pw'],
    ['special characters, decoded', 'password p@ss&word! rejected', 'password <redacted> rejected'],
  ])('cuts %s', (_what, text, out) => {
    expect(cut(text)).toBe(out);
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['https://user:pw@10.0.0.1:6443', 'https://<redacted>@10.0.0.1:6443'],
    ['https://token@10.0.0.1:6443/k8s', 'https://<redacted>@10.0.0.1:6443/k8s'],
    ['https://10.0.0.1:6443', 'https://10.0.0.1:6443'],
    ['https://a:b@[::1]:6443', 'https://<redacted>@[::1]:6443'],
    ['not a url://x:y@z', 'not a url://x:y@z'],
    ['h2x://x:y@z w', 'h2x://<redacted>@z w'],
  ])('%s -> %s', (url, shown) => {
    expect(withoutCredentials(url)).toBe(shown);
  });
});
