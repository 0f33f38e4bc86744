import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { runCliAsync } from '../helpers/run-cli-async.js';

/**
 * `rkecis cluster --bundles DIR` on the example nodes (no Docker, no SSH): merging, the corrupt
 * bundle named, the exit codes, every output format, and the input errors that stop a scan
 * before any node is contacted. The real nodes are in test/integration/cluster-ssh.test.ts.
 */

const tmp = mkdtempSync(join(tmpdir(), 'rkecis-cluster-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
/** A folder of bundles: example files under node names, plus raw texts. */
function bundles(files: Record<string, string>, raw: Record<string, string> = {}): string {
  const dir = join(tmp, `b${n++}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [node, example] of Object.entries(files)) {
    const ev = JSON.parse(readFileSync(example, 'utf8')) as { node: { name: string } };
    ev.node.name = node;
    writeFileSync(join(dir, `${node}.json`), JSON.stringify(ev));
  }
  for (const [file, text] of Object.entries(raw)) writeFileSync(join(dir, file), text);
  return dir;
}

const HARDENED = 'examples/hardened-node.json';
const INSECURE = 'examples/insecure-node.json';
const WAIVERS = ['--waivers', 'examples/waivers-rancher-known-failures.yaml'];
const FIXED = { SOURCE_DATE_EPOCH: '1735689600' };
const json = (stdout: string): ClusterReport => JSON.parse(stdout) as ClusterReport;

describe('rkecis cluster --bundles', () => {
  const mixedDir = bundles({ 'node-a': HARDENED, 'node-b': INSECURE, 'node-c': HARDENED });

  it('merges the bundles into one report with each node status and an overall one', () => {
    const r = runCli(['cluster', '--bundles', mixedDir, '--format', 'json'], { env: FIXED });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.kind).toBe('cluster');
    expect(report.generatedAt).toBe('2025-01-01T00:00:00Z');
    expect(report.coverage).toMatchObject({ expected: 3, scanned: 3, complete: true });
    expect(report.nodes.map((x) => x.source)).toEqual(
      ['node-a', 'node-b', 'node-c'].map((x) => join(mixedDir, `${x}.json`)),
    );
    const c = report.results.find((x) => x.id === '1.1.1');
    expect(c).toMatchObject({ status: 'mixed', failingNodes: ['node-b'] });
    expect(c?.nodes).toEqual({ 'node-a': 'pass', 'node-b': 'fail', 'node-c': 'pass' });
    // The JSON keeps the node report's field names, except `found`: a mixed result has one
    // outcome per finding, and each finding carries its own found data.
    const node = JSON.parse(
      runCli(['evaluate', HARDENED, '--format', 'json']).stdout,
    ) as NodeReport;
    for (const k of Object.keys(node.results[0] ?? {}))
      if (k !== 'found') expect(c).toHaveProperty(k);
    expect(c).not.toHaveProperty('found');
    expect(c?.findings.map((f) => f.found?.id)).toEqual(
      c?.findings.map(() => expect.any(String) as unknown),
    );
    for (const k of ['profile', 'summary', 'results']) expect(report).toHaveProperty(k);
  });

  it('names a corrupt bundle as a node not scanned, and fails unless --allow-partial', () => {
    const dir = bundles(
      { 'node-a': HARDENED, 'node-c': HARDENED },
      {
        'broken.json': '{"apiVersion": "rkecis.io/v1", "kind": "NodeEvid',
        'other.json': '{"apiVersion": "rkecis.io/v9"}',
        'notes.txt': 'not a bundle, not read',
      },
    );
    const strict = runCli(['cluster', '--bundles', dir, '--format', 'json', ...WAIVERS]);
    const partial = runCli([
      'cluster',
      '--bundles',
      dir,
      '--format',
      'json',
      '--allow-partial',
      ...WAIVERS,
    ]);
    const report = json(strict.stdout);
    expect(report.coverage.notScanned.map((x) => [x.name, x.source])).toEqual([
      ['broken', join(dir, 'broken.json')],
      ['other', join(dir, 'other.json')],
    ]);
    expect(report.coverage.notScanned[0]?.reason).toMatch(/^not valid JSON/);
    expect(report.coverage.notScanned[1]?.reason).toMatch(
      /unsupported evidence apiVersion "rkecis.io\/v9"/,
    );
    expect(strict.stderr).toContain('2 of 4 nodes not scanned: broken, other');
    // The two hardened nodes are compliant with Rancher's known failures waived.
    expect(strict.code).toBe(1);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('(--allow-partial)');
  });

  it('checks coverage against cluster.yml with --config, and applies its declared roles', () => {
    const yml = join(tmp, 'cluster.yml');
    writeFileSync(
      yml,
      [
        'cluster_name: prod',
        'nodes:',
        '  - {address: 10.0.0.1, hostname_override: node-a, user: rancher, role: [controlplane, etcd, worker]}',
        '  - {address: 10.0.0.2, hostname_override: node-b, user: rancher, role: [worker]}',
        '  - {address: 10.0.0.3, hostname_override: node-d, user: rancher, role: [worker]}',
        '',
      ].join('\n'),
    );
    const r = runCli(['cluster', '--bundles', mixedDir, '--config', yml, '--format', 'json']);
    const report = json(r.stdout);
    expect(report.cluster.name).toBe('prod');
    expect(report.coverage).toMatchObject({
      expectedFrom: yml,
      expected: 3,
      scanned: 2,
      complete: false,
      unexpected: ['node-c'],
      byRole: [
        { role: 'controlplane', expected: 1, scanned: 1 },
        { role: 'etcd', expected: 1, scanned: 1 },
        { role: 'worker', expected: 3, scanned: 2 },
      ],
    });
    expect(report.coverage.notScanned).toEqual([
      {
        name: 'node-d',
        roles: ['worker'],
        source: '10.0.0.3:22',
        reason: 'no evidence for this node was found',
      },
    ]);
    expect(report.nodes.find((x) => x.name === 'node-b')?.rolesSource).toBe('declared');
    expect(r.code).toBe(1);
  });

  it('writes every format for a cluster report, each valid of its kind', () => {
    const out = join(tmp, 'formats');
    mkdirSync(out);
    const r = runCli(
      [
        'cluster',
        '--bundles',
        mixedDir,
        '--output',
        join(out, 'report.txt'),
        ...['json', 'junit', 'sarif', 'markdown', 'html'].flatMap((f) => [
          '-o',
          `${f}=${join(out, f)}`,
        ]),
      ],
      { env: FIXED },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    const read = (f: string): string => readFileSync(join(out, f), 'utf8');
    expect(read('report.txt')).toMatch(/^Cluster: b0 \(/m);
    expect(read('report.txt')).toContain('Coverage: 3 of 3 nodes scanned');
    expect(read('report.txt')).toMatch(
      /\[MIXED\] +1\.1\.1 .*\n +fail on node-b: --anonymous-auth not set\n +pass on node-a, node-c\n/,
    );
    expect(json(read('json')).results).toHaveLength(113);

    const junit = new XMLParser({ ignoreAttributes: false }).parse(read('junit')) as {
      testsuites: { '@_tests': string; testsuite: { '@_name': string }[] };
    };
    expect(junit.testsuites['@_tests']).toBe(String(113 + 3));
    expect(junit.testsuites.testsuite[0]?.['@_name']).toBe('coverage');

    const schema = JSON.parse(
      readFileSync('test/fixtures/sarif-2.1.0.schema.json', 'utf8'),
    ) as object;
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(read('sarif')) as {
      runs: {
        results: {
          ruleId: string;
          locations: { logicalLocations: { fullyQualifiedName: string }[] }[];
        }[];
      }[];
    };
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const forControl = sarif.runs[0]?.results.filter((x) => x.ruleId === '1.1.1') ?? [];
    expect(forControl.map((x) => x.locations[0]?.logicalLocations[0]?.fullyQualifiedName)).toEqual([
      'node/node-b',
    ]);

    const md = read('markdown');
    expect(md).toContain('# CIS Benchmark Self-Assessment: cluster b0');
    expect(md).toContain('**Fail on 1 node:** node-b');
    expect(md).toContain('**Result:** Mixed (fails on 1 of 3 nodes)');

    const html = read('html');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    // The CSP allows exactly the inline style it carries.
    expect(html).toContain(`style-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain('<article class="control st-mixed"');
    expect(html).not.toMatch(/<(link|img|iframe)\b|src="http/);
  });

  it('is the same twice for the same bundles (deterministic, whatever the order nodes finish)', () => {
    const a = runCli(['cluster', '--bundles', mixedDir, '--format', 'json'], { env: FIXED });
    const b = runCli(['cluster', '--bundles', mixedDir, '--format', 'json'], { env: FIXED });
    expect(a.stdout).toBe(b.stdout);
  });

  it('refuses two bundles of one node, writing nothing', () => {
    const dir = bundles({ 'node-a': HARDENED });
    copyFileSync(join(dir, 'node-a.json'), join(dir, 'node-a-again.json'));
    const out = join(dir, 'out.html');
    const r = runCli(['cluster', '--bundles', dir, '-o', `html=${out}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('node node-a already has a bundle');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a missing or empty folder, and a run with neither --config nor --bundles', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    for (const [args, msg] of [
      [['--bundles', join(tmp, 'nope')], 'no such folder'],
      [['--bundles', empty], 'no *.json bundles in it'],
      [[], 'needs --config cluster.yml'],
    ] as const) {
      const r = runCli(['cluster', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe('rkecis cluster --config: input checked before any node is contacted', () => {
  const write = (name: string, text: string): string => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  const key = join(tmp, 'id_test');
  writeFileSync(key, 'not really a key, never parsed before connecting\n');
  const kh = write('known_hosts', '');

  it('names a node without a user by file:line:column', () => {
    const yml = write(
      'nouser.yml',
      `ssh_key_path: ${key}\nnodes:\n  - address: 10.0.0.1\n    role: [controlplane, etcd, worker]\n`,
    );
    const r = runCli(['cluster', '--config', yml, '--known-hosts', kh]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nouser\.yml:3:5: node "10\.0\.0\.1" has no user/);
  });

  it('refuses an SSH key that cannot be read, and ssh_agent_auth without an agent', () => {
    const missing = write(
      'nokey.yml',
      `nodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker], ssh_key_path: /nonexistent/key}\n`,
    );
    const r1 = runCli(['cluster', '--config', missing, '--known-hosts', kh]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('cannot read the SSH key /nonexistent/key: no such file');
    const agent = write(
      'agent.yml',
      `ssh_agent_auth: true\nnodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker]}\n`,
    );
    const r2 = runCli(['cluster', '--config', agent, '--known-hosts', kh], {
      env: { SSH_AUTH_SOCK: '' },
    });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /agent\.yml:1:\d+: ssh_agent_auth is true but SSH_AUTH_SOCK is not set/,
    );
  });

  it('refuses a missing known_hosts unless --insecure-ignore-host-key', () => {
    const yml = write(
      'ok.yml',
      `ssh_key_path: ${key}\nnodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker]}\n`,
    );
    const r = runCli(['cluster', '--config', yml, '--known-hosts', join(tmp, 'no_known_hosts')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no_known_hosts: no such file');
    expect(r.stderr).toContain('--insecure-ignore-host-key');
  });

  it('accepts any kubernetes_version (a running cluster is scanned as it is)', () => {
    const yml = write(
      'v125.yml',
      `kubernetes_version: v1.25.4-rancher1-1\nssh_key_path: ${key}\nnodes:\n  - {address: 10.0.0.1, user: rancher, role: [controlplane, etcd, worker]}\n`,
    );
    const r = runCli(['cluster', '--config', yml, '--known-hosts', join(tmp, 'no_known_hosts')]);
    expect(r.stderr).not.toContain('kubernetes_version');
  });

  it('checks --concurrency and the timeouts', () => {
    for (const [flag, value] of [
      ['--concurrency', '0'],
      ['--timeout', 'x'],
      ['--node-timeout', '-1'],
    ]) {
      const r = runCli(['cluster', '--bundles', tmp, flag as string, value as string]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(flag);
    }
  });

  it('is listed in the help', () => {
    const r = runCli(['--help']);
    expect(r.stdout).toMatch(/^\s+cluster \[options\]/m);
    const h = runCli(['cluster', '--help']);
    for (const opt of [
      '--config',
      '--bundles',
      '--concurrency',
      '--known-hosts',
      '--insecure-ignore-host-key',
      '--allow-partial',
      '--format',
    ])
      expect(h.stdout).toContain(opt);
  });
});

describe('rkecis cluster: nodes that cannot be reached', () => {
  it('a node that never answers after --timeout, and one refused: no node reached, exit 2 with each reason', async () => {
    const key = join(tmp, 'id_silent');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    // Accepts the connection and says nothing: no SSH banner ever comes.
    const sockets: { destroy(): void }[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const refusedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => {
      closed.close(() => {
        r();
      });
    });
    const yml = join(tmp, 'silent.yml');
    writeFileSync(
      yml,
      [
        `ssh_key_path: ${key}`,
        'kubernetes_version: v1.11.3-rancher1-1',
        'nodes:',
        `  - {address: 127.0.0.1, port: ${port}, hostname_override: silent, user: root, role: [controlplane, etcd, worker]}`,
        `  - {address: 127.0.0.1, port: "${refusedPort}", hostname_override: refused, user: root, role: [worker]}`,
        '',
      ].join('\n'),
    );
    const kh = join(tmp, 'kh-empty');
    writeFileSync(kh, '');
    const started = Date.now();
    const out = join(tmp, 'silent-report.html');
    const r = await runCliAsync(
      [
        'cluster',
        '--config',
        yml,
        '--known-hosts',
        kh,
        '--timeout',
        '1',
        '--format',
        'json',
        '-o',
        `html=${out}`,
      ],
      { env: { HOME: '/nonexistent-home', KUBECONFIG: '' } },
    );
    for (const s of sockets) s.destroy();
    silent.close();
    expect(Date.now() - started).toBeLessThan(15_000);
    // Nothing was judged: no report of 105 errors, but why each node was not reached.
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(
      new RegExp(
        `^rkecis: no node of ${yml} could be scanned, so nothing was judged and no report written\\. refused: root@127\\.0\\.0\\.1:${refusedPort}: connection refused[^\\n]*\\. silent: root@127\\.0\\.0\\.1:${port}: no SSH handshake within 1s \\(is the node up, and is this its SSH port\\?\\)\\n$`,
      ),
    );
  });

  it('shows progress on stderr when it is a terminal, and not otherwise', () => {
    const dir = bundles({ 'node-a': HARDENED, 'node-b': HARDENED });
    const quiet = runCli(['cluster', '--bundles', dir, '--output', join(dir, 'r.txt')]);
    expect(quiet.stderr).toBe('');
    // util-linux script(1) gives the command a terminal.
    const out = execFileSync(
      'script',
      [
        '-qec',
        `${process.execPath} ${BIN} cluster --bundles ${dir} --output ${join(dir, 'r2.txt')} ${WAIVERS.join(' ')}`,
        '/dev/null',
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    ).replace(/\r/g, '');
    expect(out).toContain(`rkecis: [1/2] node-a: merged from ${join(dir, 'node-a.json')}`);
    expect(out).toContain('rkecis: [2/2] node-b: merged');
  });
});
