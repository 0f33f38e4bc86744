import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readSimpleKubeconfig } from '../../src/collect/kubeconfig-lite.js';

const dir = mkdtempSync(join(tmpdir(), 'rkecis-kubeconfig-lite-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
mkdirSync(join(dir, 'pki'));
writeFileSync(join(dir, 'pki/ca.pem'), 'CA FROM FILE\n');
writeFileSync(join(dir, 'pki/client.pem'), 'CERT FROM FILE\n');
writeFileSync(join(dir, 'pki/client-key.pem'), 'KEY FROM FILE\n');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

let n = 0;
function kubeconfig(cluster: string[], user: string[], extra: string[] = []): string {
  const file = join(dir, `config-${n++}.yaml`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: other',
      '  cluster: {server: "https://10.0.0.9:6443"}',
      '- name: "local"',
      '  cluster:',
      ...cluster.map((l) => `    ${l}`),
      'contexts:',
      '- name: "local"',
      '  context:',
      '    cluster: "local"',
      '    user: "kube-admin-local"',
      'current-context: "local"',
      'users:',
      '- name: "kube-admin-local"',
      '  user:',
      ...user.map((l) => `    ${l}`),
      ...extra,
      '',
    ].join('\n'),
  );
  return file;
}

/** What a request gets from a KubeConfig-like object: the options, with the agent's own options. */
async function applied(kc: {
  applyToHTTPSOptions(o: https.RequestOptions): Promise<void>;
}): Promise<unknown> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const { agent, ...rest } = opts;
  const agentOptions = (agent as unknown as { options: Record<string, unknown> }).options;
  // The agent records a few bookkeeping fields of its own (path, noDelay...): compare what was given.
  return { ...rest, agent: JSON.parse(JSON.stringify(agentOptions)) as unknown };
}

function client(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

describe('readSimpleKubeconfig: RKE kubeconfigs without the Kubernetes client', () => {
  const cases: Record<string, string> = {
    'client certificate data (what RKE writes)': kubeconfig(
      [
        'api-version: v1',
        `certificate-authority-data: "${b64('CA DATA')}"`,
        'server: "https://1.2.3.4:6443/"',
      ],
      [`client-certificate-data: "${b64('CERT DATA')}"`, `client-key-data: "${b64('KEY DATA')}"`],
    ),
    'a bearer token and a CA file, relative to the kubeconfig': kubeconfig(
      ['certificate-authority: pki/ca.pem', 'server: https://api.example:6443'],
      ['token: abcdefghijklmnop'],
    ),
    'client certificate files, TLS server name, no TLS verification': kubeconfig(
      [
        'server: https://1.2.3.4:6443',
        'insecure-skip-tls-verify: true',
        'tls-server-name: kubernetes',
      ],
      ['client-certificate: pki/client.pem', `client-key: ${join(dir, 'pki/client-key.pem')}`],
    ),
    'a file wins over data, as in the client': kubeconfig(
      [
        'server: https://1.2.3.4:6443',
        'certificate-authority: pki/ca.pem',
        `certificate-authority-data: ${b64('CA DATA')}`,
      ],
      ['token: abcdefghijklmnop'],
    ),
  };
  for (const [name, file] of Object.entries(cases)) {
    it(`gives the client's request options: ${name}`, async () => {
      const lite = readSimpleKubeconfig(file, '--kubeconfig');
      expect(lite).toBeDefined();
      const kc = client(file);
      expect(lite?.getCurrentCluster()).toEqual(
        JSON.parse(JSON.stringify(kc.getCurrentCluster())) as unknown,
      );
      expect(lite?.getCurrentUser()?.name).toBe(kc.getCurrentUser()?.name);
      expect(await applied(lite as NonNullable<typeof lite>)).toEqual(await applied(kc));
    });
  }

  it('takes a KUBECONFIG of one file, and leaves a list of several to the client', () => {
    const file = Object.values(cases)[0] as string;
    expect(readSimpleKubeconfig(`${file}:`, 'KUBECONFIG')).toBeDefined();
    expect(readSimpleKubeconfig(`${file}:${file}`, 'KUBECONFIG')).toBeUndefined();
  });

  const declined: Record<string, string> = {
    'an exec credential plugin': kubeconfig(
      ['server: https://1.2.3.4:6443'],
      ['exec:', '  command: aws', '  apiVersion: client.authentication.k8s.io/v1beta1'],
    ),
    'an auth provider': kubeconfig(
      ['server: https://1.2.3.4:6443'],
      ['auth-provider:', '  name: gcp'],
    ),
    'basic auth': kubeconfig(
      ['server: https://1.2.3.4:6443'],
      ['username: admin', 'password: secret'],
    ),
    impersonation: kubeconfig(['server: https://1.2.3.4:6443'], ['token: abcdefgh', 'as: someone']),
    'a proxy': kubeconfig(
      ['server: https://1.2.3.4:6443', 'proxy-url: socks5://p:1080'],
      ['token: abcdefgh'],
    ),
    'plain http': kubeconfig(['server: http://1.2.3.4:8080'], ['token: abcdefgh']),
    'a cluster without a server': kubeconfig(
      ['certificate-authority: pki/ca.pem'],
      ['token: abcdefgh'],
    ),
    'a YAML tag': kubeconfig(['server: !!str https://1.2.3.4:6443'], ['token: abcdefgh']),
    'a merge key': kubeconfig(
      ['server: https://1.2.3.4:6443'],
      ['token: abcdefgh'],
      ['x: &a {k: 1}', 'y: {<<: *a}'],
    ),
    'a duplicate key': kubeconfig(
      ['server: https://1.2.3.4:6443', 'server: https://1.2.3.5:6443'],
      ['token: abcdefgh'],
    ),
  };
  for (const [name, file] of Object.entries(declined)) {
    it(`leaves ${name} to the client`, () => {
      expect(readSimpleKubeconfig(file, '--kubeconfig')).toBeUndefined();
    });
  }

  it('leaves a file that cannot be read or parsed to the client (its errors are the ones shown)', () => {
    expect(readSimpleKubeconfig(join(dir, 'missing.yaml'), '--kubeconfig')).toBeUndefined();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [\n');
    expect(readSimpleKubeconfig(bad, '--kubeconfig')).toBeUndefined();
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    expect(readSimpleKubeconfig(empty, '--kubeconfig')).toBeUndefined();
  });
});
