import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClusterReport } from '../src/report/types.js';
import { lockRkeNames } from '../test/integration/engine.js';
import { importImages, plantContainers, removeContainers } from '../test/integration/plant-node.js';
import { startFleet } from '../test/integration/ssh-fleet.js';
import { summarizeTrace } from './cluster-scan.js';
import { benchApiServer } from './kube-api.js';
import { latencyProxies } from './latency-proxy.js';
import { BIN, median, readExample, ROOT, timed } from './lib.js';
import { benchEngine } from './node-scan.js';
import type { ConnTrace } from './ssh-trace.js';

/**
 * Two builds of rkecis side by side on one simulated fleet (the cluster benchmark's): runs of
 * `rkecis cluster` alternate A B A B, so that the machine's load falls on both alike, and the
 * figures are each build's own CPU per node (user + sys, GNU time), which load inflates far less
 * than wall time. With --trace, one run of each under ssh-trace.ts: packets, SFTP requests and
 * Docker forwards per node.
 *
 *   node dist-bench/bench/cluster-ab.js --bin /other/checkout/bin/rkecis.js [--bin B] \
 *     [--nodes 10,100] [--concurrency 10] [--runs 5] [--trace 10] [--rtt 50]
 *
 * With --rtt, every node is reached through a proxy that delays each direction by half that many
 * milliseconds (bench/latency-proxy.ts): far nodes, where a scan's waits for answers, not CPU,
 * set the time.
 *
 * The second --bin defaults to this checkout's. Run as root (sshd in mount namespaces), after
 * npm run build and tsc -p bench/tsconfig.json.
 */
const argv = process.argv.slice(2);
const all = (name: string): string[] =>
  argv.flatMap((a, i) => {
    const v = argv[i + 1];
    return a === `--${name}` && v !== undefined ? [v] : [];
  });
const one = (name: string, fallback: string): string => all(name)[0] ?? fallback;
const bins = all('bin');
if (bins.length === 0) throw new Error('usage: cluster-ab --bin A [--bin B] [--nodes 10,100] ...');
if (bins.length === 1) bins.push(BIN);
for (const b of bins) if (!existsSync(b)) throw new Error(`${b}: no such file`);
const sizes = one('nodes', '10,100').split(',').map(Number);
const concurrency = Number(one('concurrency', '10'));
const runs = Number(one('runs', '5'));
const traceNodes = Number(one('trace', '0'));
const rttMs = Number(one('rtt', '0'));
const log = (s: string): void => {
  process.stderr.write(`cluster-ab: ${s}\n`);
};

const example = readExample('hardened');
const images = [
  ...new Set(
    Object.values(example.containers).flatMap((c) => (c.status === 'present' ? [c.image] : [])),
  ),
];
const engine = await benchEngine();
const work = mkdtempSync(join(tmpdir(), 'rkc-ab-'));
let unlock: (() => Promise<void>) | undefined;
let fleet: Awaited<ReturnType<typeof startFleet>> | undefined;
let api: Awaited<ReturnType<typeof benchApiServer>> | undefined;
let far: Awaited<ReturnType<typeof latencyProxies>> | undefined;
try {
  await importImages(engine.host, images);
  unlock = await lockRkeNames(engine.host, images[0] as string);
  await removeContainers(engine.host, example).catch(() => undefined);
  await plantContainers(engine.host, example);
  api = await benchApiServer(example);
  const maxN = Math.max(...sizes, traceNodes);
  fleet = await startFleet({
    dir: work,
    example,
    engineSocket: engine.host.slice('unix://'.length),
    nodes: maxN,
    log,
  });
  const f = fleet;
  if (rttMs > 0)
    far = await latencyProxies(f.healthy, rttMs / 2, f.knownHosts, join(work, 'far_known_hosts'));
  const nodes = far?.nodes ?? f.healthy;
  const knownHosts = far?.knownHosts ?? f.knownHosts;
  const kubeconfig = api.kubeconfig;
  const run = async (
    bin: string,
    n: number,
    more: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {},
  ): Promise<{ wallMs: number; cpuS: number; userS: number; sysS: number; rssKiB: number }> => {
    const yml = f.clusterYml(join(work, `cluster-${n}.yml`), nodes.slice(0, n));
    const out = join(work, 'report.json');
    rmSync(out, { force: true });
    const r = await timed(
      '/usr/bin/time',
      [
        '-f',
        'RKECIS_BENCH_TIME %e %U %S %M',
        process.execPath,
        ...(more.nodeFlags ?? []),
        bin,
        'cluster',
        '--config',
        yml,
        '--known-hosts',
        knownHosts,
        '--kubeconfig',
        kubeconfig,
        '--concurrency',
        String(concurrency),
        '--timeout',
        '60',
        '--node-timeout',
        '900',
        '--format',
        'json',
        '--output',
        out,
      ],
      more.env !== undefined ? { env: more.env } : {},
    );
    const t = /RKECIS_BENCH_TIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
    if (t === null || (r.code !== 0 && r.code !== 1) || !existsSync(out))
      throw new Error(`${bin} exited ${String(r.code)}: ${r.stderr.slice(0, 2000)}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ClusterReport;
    if (report.coverage.scanned !== n)
      throw new Error(`${bin} scanned ${report.coverage.scanned} of ${n} nodes`);
    return {
      wallMs: r.ms,
      userS: Number(t[2]),
      sysS: Number(t[3]),
      cpuS: Number(t[2]) + Number(t[3]),
      rssKiB: Number(t[4]),
    };
  };
  for (const b of bins) await run(b, Math.min(10, maxN));
  const rows = [];
  for (const n of sizes) {
    const samples = bins.map(() => [] as Awaited<ReturnType<typeof run>>[]);
    const loads: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [j, b] of bins.entries()) {
        const s = await run(b, n);
        samples[j]?.push(s);
        log(
          `${n} nodes, ${j === 0 ? 'A' : 'B'} run ${i + 1}: ${(s.wallMs / 1000).toFixed(2)} s, ${((s.cpuS * 1000) / n).toFixed(1)} ms CPU/node`,
        );
      }
      loads.push(loadavg()[0] ?? 0);
    }
    rows.push({
      nodes: n,
      concurrency,
      rttMs,
      runs,
      load: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
      builds: bins.map((b, j) => {
        const s = samples[j] ?? [];
        return {
          bin: b,
          cpuMsPerNode: Math.round((median(s.map((x) => x.cpuS)) * 10000) / n) / 10,
          userS: median(s.map((x) => x.userS)),
          sysS: median(s.map((x) => x.sysS)),
          wallS: Math.round(median(s.map((x) => x.wallMs))) / 1000,
          peakRssMiB: Math.round(median(s.map((x) => x.rssKiB)) / 1024),
        };
      }),
    });
  }
  const traces = [];
  if (traceNodes > 0) {
    for (const b of bins) {
      const file = join(work, 'trace.json');
      await run(b, traceNodes, {
        nodeFlags: ['--import', pathToFileURL(join(ROOT, 'dist-bench/bench/ssh-trace.js')).href],
        env: { ...process.env, RKECIS_BENCH_TRACE: file },
      });
      traces.push({
        bin: b,
        ...summarizeTrace(JSON.parse(readFileSync(file, 'utf8')) as ConnTrace[]),
      });
    }
  }
  process.stdout.write(`${JSON.stringify({ rows, traces }, null, 2)}\n`);
} finally {
  await far?.close().catch(() => undefined);
  await fleet?.stop().catch(() => undefined);
  await api?.close().catch(() => undefined);
  await removeContainers(engine.host, example).catch(() => undefined);
  await unlock?.().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  await engine.stop().catch(() => undefined);
}
