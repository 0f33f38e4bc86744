import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoles } from '../../src/collect/collect.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence, Role } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { ClusterReport, Status } from '../../src/report/types.js';
import { BIN, type CliRun } from '../helpers/run-cli.js';
import { runCliAsync as cli } from '../helpers/run-cli-async.js';
import { TOKEN } from '../fakes/kube.js';
import { run, SKIP_DOCKER } from './engine.js';
import {
  ENCRYPTION_SECRET,
  ENV_SECRET,
  importImages,
  plantApiServer,
  plantContainers,
  plantRoot,
} from './plant-node.js';
import { freePort, keygen, sshUnavailable, startSshNode, type SshNode } from './ssh-node.js';

/**
 * `rkecis cluster` against a simulated three-node RKE cluster: each node is a real OpenSSH server
 * in its own mount namespace, seeing its own files at the real paths and its own Docker engine at
 * /var/run/docker.sock, reached with key authentication and checked against known_hosts. sshd
 * forces internal-sftp on every session, so the scan provably runs no command on a node.
 */

const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const insecure = readEvidence('examples/insecure-node.json');
const here = (f: string): string => new URL(f, import.meta.url).pathname;

interface NodeDef {
  name: string;
  roles: Role[];
  example: Evidence;
  containers: string[];
  /** Give cluster.yml's docker_socket as the engine's own path instead of RKE's default. */
  explicitSocket?: boolean;
}

const NODES: NodeDef[] = [
  {
    name: 'cp1',
    roles: ['controlplane', 'etcd'],
    example: hardened,
    containers: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  },
  { name: 'w1', roles: ['worker'], example: insecure, containers: ['kubelet', 'kube-proxy'] },
  {
    name: 'all1',
    roles: ['controlplane', 'etcd', 'worker'],
    example: hardened,
    containers: Object.keys(hardened.containers),
    explicitSocket: true,
  },
];

/** The node as planted: the example's files, only its role's containers, its own name. */
function nodeEvidence(def: NodeDef): Evidence {
  return {
    ...def.example,
    node: { name: def.name, hostname: def.name },
    containers: Object.fromEntries(
      Object.entries(def.example.containers).map(([n, c]) => [
        n,
        def.containers.includes(n) ? c : { status: 'absent' as const },
      ]),
    ),
  };
}

/** What evaluating the node alone gives: the verdicts the cluster report must show for it. */
function expectedStatuses(def: NodeDef, roles: Role[] = def.roles): Map<string, Status> {
  const ev = nodeEvidence(def);
  const report = evaluate(profile, {
    ...ev,
    roles: declaredRoles(ev.containers, roles),
    kubernetes: hardened.kubernetes,
  });
  return new Map(report.results.filter((r) => r.role !== 'cluster').map((r) => [r.id, r.status]));
}

/** Per control, node -> status, from a cluster report (node-scoped controls only). */
function statusesOf(report: ClusterReport, node: string): Map<string, Status> {
  const out = new Map<string, Status>();
  for (const r of report.results) {
    const s = r.nodes[node];
    if (r.scope === 'node' && s !== undefined) out.set(r.id, s);
  }
  return out;
}

const why = sshUnavailable();

describe.skipIf(SKIP_DOCKER)(
  'rkecis cluster over SSH (real sshd per node, one dockerd each)',
  () => {
    let dir = '';
    const engines: { dir: string; sock: string }[] = [];
    const ssh = new Map<string, SshNode & { sock: string; root: string }>();
    let api: Awaited<ReturnType<typeof plantApiServer>> | undefined;
    let userKey = '';
    let strangerKey = '';
    let knownHosts = '';
    let wrongKnownHosts = '';
    let gonePort = 0;
    let healthy: CliRun;
    let report: ClusterReport;

    /** A cluster.yml naming the given nodes, written under the test folder. */
    function clusterYml(
      file: string,
      nodes: { name: string; roles?: Role[]; port?: number; key?: string }[],
    ): string {
      const path = join(dir, file);
      writeFileSync(
        path,
        stringify({
          cluster_name: 'rkecis-test',
          kubernetes_version: 'v1.11.3-rancher1-1',
          ssh_key_path: userKey,
          nodes: nodes.map((n) => {
            const def = NODES.find((d) => d.name === n.name);
            const node = ssh.get(n.name);
            return {
              address: '127.0.0.1',
              port: String(n.port ?? node?.port ?? 1),
              hostname_override: n.name,
              user: 'root',
              role: n.roles ?? def?.roles ?? ['worker'],
              ...(n.key !== undefined ? { ssh_key_path: n.key } : {}),
              ...(def?.explicitSocket === true && node !== undefined
                ? { docker_socket: node.sock }
                : {}),
            };
          }),
        }),
      );
      return path;
    }

    const scan = (config: string, ...more: string[]): Promise<CliRun> =>
      cli([
        'cluster',
        '--config',
        config,
        '--known-hosts',
        knownHosts,
        '--kubeconfig',
        (api as NonNullable<typeof api>).kubeconfig,
        '--timeout',
        '20',
        ...more,
      ]);

    beforeAll(async () => {
      if (why !== undefined)
        throw new Error(
          `the SSH cluster tests cannot run: ${why} (RKECIS_SKIP_DOCKER=1 skips them)`,
        );
      if (!existsSync(join(BIN, '../../dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
      // Short paths: a unix socket path must fit in 108 bytes.
      dir = mkdtempSync('/tmp/rkc-');
      userKey = join(dir, 'id_ed25519');
      strangerKey = join(dir, 'stranger');
      const userPub = await keygen(userKey, 'auditor');
      await keygen(strangerKey, 'stranger');
      await Promise.all(
        NODES.map(async (def) => {
          const base = join(dir, def.name);
          mkdirSync(base);
          const engineDir = join(base, 'd');
          const { stdout } = await run('bash', [here('./start-dockerd.sh'), engineDir]);
          const host = /RKECIS_TEST_DOCKER_HOST=(\S+)/.exec(stdout)?.[1] ?? '';
          const sock = host.slice('unix://'.length);
          engines.push({ dir: engineDir, sock });
          const ev = nodeEvidence(def);
          const images = [
            ...new Set(
              Object.values(ev.containers).flatMap((c) =>
                c.status === 'present' ? [c.image] : [],
              ),
            ),
          ];
          await importImages(host, images);
          await plantContainers(host, ev, { start: false });
          const root = plantRoot(ev);
          const node = await startSshNode({
            dir: join(base, 'ssh'),
            name: def.name,
            root,
            dockerSocket: sock,
            authorizedKeys: userPub,
          });
          ssh.set(def.name, { ...node, sock, root });
        }),
      );
      api = await plantApiServer(hardened);
      gonePort = await freePort();
      const line = (name: string, key: string): string =>
        `[127.0.0.1]:${ssh.get(name)?.port ?? 0} ${key}`;
      knownHosts = join(dir, 'known_hosts');
      writeFileSync(
        knownHosts,
        `${NODES.map((d) => line(d.name, ssh.get(d.name)?.hostKey ?? '')).join('\n')}\n`,
      );
      // all1's entry holds another key: what a man in the middle (or a rebuilt node) looks like.
      const otherHostKey = (await keygen(join(dir, 'other-host'), 'other')).split(' ').slice(0, 2);
      wrongKnownHosts = join(dir, 'known_hosts.wrong');
      writeFileSync(
        wrongKnownHosts,
        `${NODES.map((d) =>
          line(
            d.name,
            d.name === 'all1' ? otherHostKey.join(' ') : (ssh.get(d.name)?.hostKey ?? ''),
          ),
        ).join('\n')}\n`,
      );
      const out = join(dir, 'out');
      mkdirSync(out);
      healthy = await scan(
        clusterYml('cluster.yml', NODES),
        '--format',
        'json',
        '--store',
        `sqlite:${join(dir, 'history.db')}`,
        ...['text', 'junit', 'sarif', 'markdown', 'html'].flatMap((f) => [
          '-o',
          `${f}=${join(out, f)}`,
        ]),
      );
      report = JSON.parse(healthy.stdout || '{}') as ClusterReport;
    }, 400_000);

    afterAll(async () => {
      await Promise.all([...ssh.values()].map((n) => n.stop()));
      await api?.close();
      await Promise.all(
        engines.map((e) => run('bash', [here('./stop-dockerd.sh'), e.dir]).catch(() => undefined)),
      );
      for (const n of ssh.values()) rmSync(n.root, { recursive: true, force: true });
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    }, 180_000);

    it('scans every node: full coverage, per role', () => {
      expect(healthy.stderr).toMatch(/saved scan/);
      expect(healthy.stderr).not.toMatch(/not scanned/);
      // The insecure worker and the guide's known failures: not compliant.
      expect(healthy.code).toBe(1);
      expect(report.kind).toBe('cluster');
      expect(report.cluster.name).toBe('rkecis-test');
      expect(report.coverage).toMatchObject({
        expected: 3,
        scanned: 3,
        complete: true,
        notScanned: [],
        unexpected: [],
        byRole: [
          { role: 'controlplane', expected: 2, scanned: 2 },
          { role: 'etcd', expected: 2, scanned: 2 },
          { role: 'worker', expected: 2, scanned: 1 + 1 },
        ],
      });
      expect(report.nodes.map((n) => [n.name, n.roles])).toEqual([
        ['all1', ['controlplane', 'etcd', 'worker']],
        ['cp1', ['controlplane', 'etcd']],
        ['w1', ['worker']],
      ]);
    });

    it("gives each node the verdicts that node alone gets, read over SFTP and the node's own Docker socket", () => {
      for (const def of NODES) {
        const want = expectedStatuses(def);
        const got = statusesOf(report, def.name);
        expect([...got.entries()].sort()).toEqual([...want.entries()].sort());
      }
    });

    it('is mixed where the nodes differ, and names the failing nodes', () => {
      // 2.1.1 kubelet --allow-privileged... pick every worker control where all1 and w1 differ.
      const mixed = report.results.filter((r) => r.status === 'mixed');
      expect(mixed.length).toBeGreaterThan(5);
      for (const r of mixed) {
        expect(r.role).toBe('worker');
        expect(Object.keys(r.nodes).sort()).toEqual(['all1', 'w1']);
        expect(r.failingNodes).toEqual(['w1']);
        expect(r.findings.map((f) => f.nodes)).toContainEqual(['w1']);
      }
      // A controlplane control is judged on the two controlplane nodes only.
      const apiserver = report.results.find((r) => r.id === '1.1.1');
      expect(apiserver).toMatchObject({ status: 'pass', nodes: { cp1: 'pass', all1: 'pass' } });
      expect(Object.keys(apiserver?.nodes ?? {})).toHaveLength(2);
    });

    it('evaluates the cluster-scoped controls once, from the Kubernetes API', () => {
      const scoped = report.results.filter((r) => r.role === 'cluster');
      expect(scoped.map((r) => r.id)).toEqual([
        ...profile.controls.filter((c) => c.role === 'cluster').map((c) => c.id),
      ]);
      const want = evaluate(profile, hardened);
      for (const r of scoped) {
        expect(r.scope).toBe('cluster');
        expect(r.nodes).toEqual({});
        expect(r.status).toBe(want.results.find((w) => w.id === r.id)?.status);
      }
      expect(report.cluster.clusterEvidence).toContain(api?.url ?? '?');
    });

    it('keeps the node report field names in JSON and adds nodes per result', () => {
      for (const r of report.results) {
        for (const k of [
          'id',
          'title',
          'section',
          'scored',
          'role',
          'status',
          'actual',
          'expected',
          'audit',
          'remediation',
        ])
          expect(r).toHaveProperty(k);
        expect(typeof r.nodes).toBe('object');
      }
      expect(report).toHaveProperty('profile.name', DEFAULT_PROFILE);
      expect(report.summary.total).toBe(report.results.length);
    });

    it('writes every format from the same run, and lets no secret out', () => {
      const out = join(dir, 'out');
      const text = readFileSync(join(out, 'text'), 'utf8');
      expect(text).toContain('Coverage: 3 of 3 nodes scanned');
      expect(text).toMatch(/\[MIXED\] +2\.1\.\d+/);
      const junit = new XMLParser({ ignoreAttributes: false }).parse(
        readFileSync(join(out, 'junit'), 'utf8'),
      ) as {
        testsuites: { '@_tests': string };
      };
      expect(Number(junit.testsuites['@_tests'])).toBe(report.results.length + 3);
      const sarif = JSON.parse(readFileSync(join(out, 'sarif'), 'utf8')) as {
        runs: {
          results: { locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[];
        }[];
      };
      const where = new Set(
        sarif.runs[0]?.results.map((r) => r.locations[0]?.logicalLocations[0]?.fullyQualifiedName),
      );
      expect(where).toContain('node/w1');
      expect(readFileSync(join(out, 'markdown'), 'utf8')).toContain(
        '# CIS Benchmark Self-Assessment: cluster rkecis-test',
      );
      const html = readFileSync(join(out, 'html'), 'utf8');
      expect(html).toContain('data-status="mixed"');
      for (const f of ['text', 'junit', 'sarif', 'markdown', 'html']) {
        const body = readFileSync(join(out, f), 'utf8');
        for (const secret of [ENV_SECRET, ENCRYPTION_SECRET, TOKEN])
          expect(body).not.toContain(secret);
      }
      for (const secret of [ENV_SECRET, ENCRYPTION_SECRET, TOKEN]) {
        expect(healthy.stdout).not.toContain(secret);
        expect(healthy.stderr).not.toContain(secret);
      }
    });

    it('saved each node scan in the history under the cluster name', async () => {
      const h = await cli([
        'history',
        '--store',
        `sqlite:${join(dir, 'history.db')}`,
        '--cluster',
        'rkecis-test',
      ]);
      expect(h.code).toBe(0);
      for (const n of NODES) expect(h.stdout).toContain(n.name);
    });

    it('reports a node that is down as not scanned, and fails the run unless --allow-partial', async () => {
      const config = clusterYml('down.yml', [
        { name: 'cp1' },
        { name: 'all1' },
        { name: 'gone1', roles: ['worker'], port: gonePort },
      ]);
      const waivers = ['--waivers', 'examples/waivers-rancher-known-failures.yaml'];
      const [strict, partial] = await Promise.all([
        scan(config, '--format', 'json', ...waivers),
        scan(config, '--format', 'json', '--allow-partial', ...waivers),
      ]);
      const r = JSON.parse(strict.stdout) as ClusterReport;
      expect(r.coverage).toMatchObject({ expected: 3, scanned: 2, complete: false });
      expect(r.coverage.notScanned).toEqual([
        {
          name: 'gone1',
          roles: ['worker'],
          source: `127.0.0.1:${gonePort}`,
          reason: expect.stringContaining('connection refused') as string,
        },
      ]);
      expect(strict.stderr).toContain('1 of 3 nodes not scanned: gone1');
      // The two hardened nodes pass with Rancher's known failures waived: only the missing node fails the run.
      expect(strict.code).toBe(1);
      expect(partial.code).toBe(0);
      expect(r.nodes.map((n) => n.name)).toEqual(['all1', 'cp1']);
    });

    it('refuses a node whose host key differs from known_hosts, and one whose login fails, and scans the others', async () => {
      const config = clusterYml('keys.yml', [
        { name: 'cp1' },
        { name: 'all1' },
        { name: 'w1', key: strangerKey },
      ]);
      const strictRun = await cli([
        'cluster',
        '--config',
        config,
        '--known-hosts',
        wrongKnownHosts,
        '--kubeconfig',
        api?.kubeconfig ?? '',
        '--format',
        'json',
      ]);
      const r = JSON.parse(strictRun.stdout) as ClusterReport;
      expect(r.nodes.map((n) => n.name)).toEqual(['cp1']);
      const reasons = Object.fromEntries(r.coverage.notScanned.map((n) => [n.name, n.reason]));
      expect(reasons.all1).toMatch(
        /host key verification failed: \[127\.0\.0\.1\]:\d+ presented ssh-ed25519 SHA256:\S+, but .*lists a different key/,
      );
      expect(reasons.w1).toMatch(/authentication failed/);
      expect(strictRun.code).toBe(1);

      const insecureRun = await cli([
        'cluster',
        '--config',
        config,
        '--known-hosts',
        wrongKnownHosts,
        '--insecure-ignore-host-key',
        '--kubeconfig',
        api?.kubeconfig ?? '',
        '--format',
        'json',
      ]);
      const r2 = JSON.parse(insecureRun.stdout) as ClusterReport;
      expect(r2.nodes.map((n) => n.name)).toEqual(['all1', 'cp1']);
      expect(r2.coverage.notScanned.map((n) => n.name)).toEqual(['w1']);
    });

    it('gives errors for the controls of a role whose containers the node does not have', async () => {
      // w1 declared controlplane too, but it runs no kube-apiserver.
      const config = clusterYml('misdeclared.yml', [
        { name: 'cp1' },
        { name: 'w1', roles: ['controlplane', 'worker'] },
        { name: 'all1' },
      ]);
      const res = await scan(config, '--format', 'json');
      const r = JSON.parse(res.stdout) as ClusterReport;
      const c = r.results.find((x) => x.id === '1.1.1');
      expect(c).toMatchObject({
        status: 'mixed',
        nodes: { cp1: 'pass', all1: 'pass', w1: 'error' },
        failingNodes: ['w1'],
      });
      expect(c?.findings.find((f) => f.status === 'error')?.reason).toContain(
        'kube-apiserver not found',
      );
      const w1 = NODES[1] as NodeDef;
      const want = expectedStatuses(w1, ['controlplane', 'worker']);
      expect([...statusesOf(r, 'w1').entries()].sort()).toEqual([...want.entries()].sort());
    });

    it('merges bundles collected on each node: the same verdicts, a corrupt bundle named', async () => {
      const bundles = join(dir, 'bundles');
      mkdirSync(bundles);
      await Promise.all(
        NODES.map(async (def) => {
          const node = ssh.get(def.name);
          const res = await cli([
            'collect',
            '--root',
            node?.root ?? '',
            '--docker-host',
            `unix://${node?.sock ?? ''}`,
            '--kubeconfig',
            api?.kubeconfig ?? '',
            '--node-name',
            def.name,
            '--output',
            join(bundles, `${def.name}.json`),
          ]);
          expect(res.stderr).toBe('');
        }),
      );
      writeFileSync(
        join(bundles, 'truncated.json'),
        '{"apiVersion": "rkecis.io/v1", "kind": "NodeEvi',
      );
      const res = await cli(['cluster', '--bundles', bundles, '--format', 'json']);
      const r = JSON.parse(res.stdout) as ClusterReport;
      expect(res.code).toBe(1);
      expect(r.coverage.notScanned).toEqual([
        {
          name: 'truncated',
          roles: [],
          source: join(bundles, 'truncated.json'),
          reason: expect.stringMatching(/^not valid JSON/) as string,
        },
      ]);
      expect(res.stderr).toContain('not scanned: truncated');
      // Bundles carry detected roles; with cluster.yml the declared ones apply, as over SSH.
      const withConfig = await cli([
        'cluster',
        '--bundles',
        bundles,
        '--config',
        join(dir, 'cluster.yml'),
        '--format',
        'json',
      ]);
      const r2 = JSON.parse(withConfig.stdout) as ClusterReport;
      for (const def of NODES) {
        expect([...statusesOf(r2, def.name).entries()].sort()).toEqual(
          [...statusesOf(report, def.name).entries()].sort(),
        );
      }
      expect(r2.coverage).toMatchObject({ expected: 3, scanned: 3 });
      expect(r2.results.filter((x) => x.role === 'cluster').map((x) => x.status)).toEqual(
        report.results.filter((x) => x.role === 'cluster').map((x) => x.status),
      );
    });
  },
);
