import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import { fakeDocker, json } from '../fakes/docker.js';
import { answer, fakeKube, pspList, TOKEN } from '../fakes/kube.js';
import { ENCRYPTION_SECRET, plantRoot } from '../integration/plant-node.js';
import { ENV_SECRET, HARDENED, hardenedRoutes } from './hardened-node.js';
import { runMain, tempDir, type Run } from './harness.js';

/**
 * Issue #9, "Secrets": a key in encryption.yaml, a container's environment and a kubeconfig
 * token are planted; no output of any format, no bundle, no stored scan (as `rkecis show` renders
 * it, and in the raw SQLite file, compressed or not) may contain any of them. A profile that
 * names one environment variable (the later guides' ETCD_AUTO_TLS) is scanned too: that variable
 * is collected, the secret in another variable of the same container is not.
 */
const SECRETS = {
  'the encryption key': ENCRYPTION_SECRET,
  'the first half of the encryption key': ENCRYPTION_SECRET.slice(0, 22),
  'the container environment': ENV_SECRET,
  'the kubeconfig token': TOKEN,
};

const tmp = tempDir('secrets');
let docker: Awaited<ReturnType<typeof fakeDocker>>;
/** The hardened node's engine, its etcd with ETCD_AUTO_TLS beside the secret, and mounts. */
let envDocker: Awaited<ReturnType<typeof fakeDocker>>;
const ENV_PROFILE = 'test/fixtures/profiles/later-files';
let kube: Awaited<ReturnType<typeof fakeKube>>;
let root = '';
let brokenRoot = '';
/** Every text rkecis produced, by where it came from. */
const produced = new Map<string, string>();
const runs: Run[] = [];

const record = (what: string, run: Run): Run => {
  produced.set(`${what} (stdout)`, run.stdout);
  produced.set(`${what} (stderr)`, run.stderr);
  runs.push(run);
  return run;
};

beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
  const etcd = HARDENED.containers.etcd;
  if (etcd?.status !== 'present') throw new Error('the hardened node has no etcd');
  envDocker = await fakeDocker({
    ...hardenedRoutes(),
    '/containers/etcd/json': json({
      Id: 'etcd-id',
      Name: '/etcd',
      Path: etcd.path,
      Args: [...etcd.args, '--data-dir=/var/lib/rancher/etcd/'],
      State: { Status: 'running', Running: true, Pid: 4242 },
      Config: {
        Image: etcd.image,
        Env: [`SECRET=${ENV_SECRET}`, 'ETCD_AUTO_TLS=false', `ETCD_SECRET_TOKEN=${ENV_SECRET}`],
      },
      Mounts: [
        { Type: 'bind', Source: '/var/lib/etcd', Destination: '/var/lib/rancher/etcd', RW: true },
      ],
    }),
  });
  kube = await fakeKube({
    '/version': answer({ gitVersion: 'v1.11.5' }),
    '/apis/policy/v1beta1/podsecuritypolicies': answer(pspList('policy/v1beta1')),
  });
  root = plantRoot(HARDENED);
  // A second node whose encryption.yaml does not parse, with the key on the line the parser stops at.
  brokenRoot = plantRoot(HARDENED);
  writeFileSync(
    join(brokenRoot, 'etc/kubernetes/encryption.yaml'),
    `resources:\n  - providers:\n    - aescbc: {keys: [{name: k, secret: ${ENCRYPTION_SECRET}\n  {{{\n`,
  );
  const node = (r: string): string[] => [
    '--docker-host',
    docker.url,
    '--root',
    r,
    '--kubeconfig',
    kube.kubeconfig,
  ];
  const store = `sqlite:${join(tmp.dir, 'history.db')}`;
  const out = (f: string): string => join(tmp.dir, f);

  // Bundles.
  record('collect to stdout', await runMain(['collect', ...node(root)]));
  record(
    'collect --output',
    await runMain(['collect', ...node(root), '--output', out('bundle.json')]),
  );
  record(
    'collect of the broken node',
    await runMain(['collect', ...node(brokenRoot), '--output', out('broken-bundle.json')]),
  );
  // Every format, to stdout and to files, verbose, saved in the history.
  for (const format of FORMAT_NAMES) {
    record(
      `scan --format ${format}`,
      await runMain(['scan', ...node(root), '--format', format, '--verbose']),
    );
  }
  record(
    'scan -o every format, --save',
    await runMain([
      'scan',
      ...node(root),
      '--format',
      'json',
      '--store',
      store,
      ...FORMAT_NAMES.flatMap((f) => ['-o', `${f}=${out(`report.${f}`)}`]),
    ]),
  );
  record(
    'scan of the broken node, --save',
    await runMain(['scan', ...node(brokenRoot), '--format', 'text', '--verbose', '--store', store]),
  );
  record(
    'evaluate of the bundle',
    await runMain(['evaluate', out('bundle.json'), '--format', 'markdown', '--verbose']),
  );
  // A profile that names ETCD_AUTO_TLS: bundle, every format, stored.
  const envNode = ['--docker-host', envDocker.url, '--root', root, '--profile', ENV_PROFILE];
  record(
    'collect naming a variable',
    await runMain(['collect', ...envNode, '--output', out('env-bundle.json')]),
  );
  for (const format of FORMAT_NAMES)
    record(
      `scan naming a variable --format ${format}`,
      await runMain(['scan', ...envNode, '--format', format, '--verbose']),
    );
  record(
    'scan naming a variable, --save',
    await runMain(['scan', ...envNode, '--format', 'json', '--store', `${store}-env`]),
  );
  produced.set(
    'the raw SQLite file of the scan naming a variable',
    readFileSync(join(tmp.dir, 'history.db-env')).toString('latin1'),
  );
  // The stored scans, as history and show give them back.
  const history = record(
    'history',
    await runMain(['history', '--store', store, '--format', 'json']),
  );
  const ids = [...history.stdout.matchAll(/"id":\s*"([^"]+)"/g)].map((m) => m[1] as string);
  expect(ids.length).toBe(2);
  for (const id of ids) {
    for (const format of FORMAT_NAMES)
      record(
        `show ${format}`,
        await runMain(['show', id, '--store', store, '--format', format, '--verbose']),
      );
    record('show --evidence', await runMain(['show', id, '--store', store, '--evidence']));
    record('show --recheck', await runMain(['show', id, '--store', store, '--recheck']));
  }
  for (const f of readdirSync(tmp.dir)) {
    if (f.endsWith('.db') || f.endsWith('-wal') || f.endsWith('-shm')) continue;
    produced.set(`file ${f}`, readFileSync(join(tmp.dir, f), 'utf8'));
  }
  // The raw database, and every blob in it uncompressed.
  produced.set('the raw SQLite file', readFileSync(join(tmp.dir, 'history.db')).toString('latin1'));
  const db = new Database(join(tmp.dir, 'history.db'), { readonly: true });
  for (const row of db.prepare('SELECT * FROM rkecis_scans').all() as Record<string, unknown>[]) {
    for (const [col, v] of Object.entries(row)) {
      produced.set(
        `db ${String(row.id)} ${col}`,
        Buffer.isBuffer(v) ? gunzipSync(v).toString('utf8') : String(v),
      );
    }
  }
  db.close();
}, 120_000);

afterAll(async () => {
  await docker.close();
  await envDocker.close();
  await kube.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(brokenRoot, { recursive: true, force: true });
  tmp.remove();
});

describe('no planted secret leaves rkecis', () => {
  it('every run succeeded and produced its output', () => {
    for (const r of runs) expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    expect(produced.get('file bundle.json')).toContain('<redacted>');
    for (const f of FORMAT_NAMES) expect(produced.has(`file report.${f}`), f).toBe(true);
    // The planted secrets were there to be found: the node and the servers hold them.
    expect(readFileSync(join(root, 'etc/kubernetes/encryption.yaml'), 'utf8')).toContain(
      ENCRYPTION_SECRET,
    );
    expect(readFileSync(kube.kubeconfig, 'utf8')).toContain(TOKEN);
    expect(kube.seen.some((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(docker.paths).toContain('/containers/kube-apiserver/json');
    // The variable the profile names was collected, beside the secret of the same container.
    const envBundle = JSON.parse(produced.get('file env-bundle.json') ?? '{}') as typeof HARDENED;
    const etcd = envBundle.containers.etcd;
    expect(etcd?.status === 'present' ? etcd.env : undefined).toEqual({ ETCD_AUTO_TLS: 'false' });
    expect(envDocker.paths).toContain('/containers/etcd/json');
  });

  it.each(Object.entries(SECRETS))('%s is in no output, bundle or stored scan', (_what, secret) => {
    expect(produced.size).toBeGreaterThan(40);
    const leaks = [...produced].filter(([, text]) => text.includes(secret)).map(([where]) => where);
    expect(leaks).toEqual([]);
  });

  it('the broken encryption.yaml is an error that quotes none of it', () => {
    const broken = JSON.parse(
      readFileSync(join(tmp.dir, 'broken-bundle.json'), 'utf8'),
    ) as typeof HARDENED;
    expect(broken.files['/etc/kubernetes/encryption.yaml']).toMatchObject({ status: 'error' });
  });
});
