import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Evidence } from '../src/evidence/schema.js';
import type * as Load from '../src/profiles/load.js';
import type { ClusterReport } from '../src/report/types.js';
import { lockRkeNames } from '../test/integration/engine.js';
import { importImages, plantContainers, removeContainers } from '../test/integration/plant-node.js';
import { startFleet, type Fleet, type FleetNode } from '../test/integration/ssh-fleet.js';
import { clusterPlotSvg, type PlotSeries } from './cluster-plot.js';
import {
  frameLocator,
  summarizeProfile,
  type CpuProfile,
  type ProfileSummary,
} from './cpu-profile.js';
import { benchApiServer } from './kube-api.js';
import { BIN, dist, median, readExample, ROOT, timed } from './lib.js';
import { benchEngine, guideScript, onPath } from './node-scan.js';
import { latencyProxies } from './latency-proxy.js';
import { treeCpuSeconds, untilNoChildren } from './proc-cpu.js';
import type { ConnTrace } from './ssh-trace.js';

/**
 * `npm run bench -- --only cluster`: `rkecis cluster --config cluster.yml` over real OpenSSH
 * connections to N simulated RKE nodes (test/integration/ssh-fleet.ts: ⌈N/16⌉ sshd processes,
 * one Docker engine, a whole hardened node's files), for each N and concurrency; beside it the
 * guide's commands run on each node over `ssh node bash -s`, `xargs -P` nodes at a time.
 *
 * Per run: wall time of the whole rkecis process; its user and system CPU and peak RSS (GNU
 * time: the child's own rusage); the simulated nodes' CPU apart (their sshd processes, with the
 * connections they reaped, and dockerd, from /proc). Then one run under `--cpu-prof` (where
 * rkecis's time goes), one under ssh-trace.ts (packets, SFTP requests and Docker forwards per
 * node), and optionally a run where a fraction of the nodes refuse, hang or answer Docker slowly.
 */

export interface ClusterBenchOptions {
  sizes: number[];
  concurrencies: number[];
  /** Sizes at which the guide's procedure is run too (it takes seconds per node). */
  manualSizes: number[];
  /** Timed runs of each size and concurrency; default 3 up to 100 nodes, else 1. */
  runs?: number;
  /** Fraction of nodes made faulty in the fault run (0: none). */
  faults: number;
  faultNodes: number;
  faultNodeTimeout: number;
  slowDockerMs: number;
  /** Nodes of the --cpu-prof run and of the trace run (0: not made). */
  profileNodes: number;
  traceNodes: number;
  /** Round trip of the far-nodes run (0: not made), and its sizes (concurrency 10). */
  farRttMs: number;
  farSizes: number[];
}

export interface ClusterRow {
  nodes: number;
  concurrency: number;
  runs: number;
  wallMs: { median: number; min: number; max: number; samples: number[] };
  /** rkecis's own process (median run). */
  rkecis: { userS: number; sysS: number; cpuMsPerNode: number; peakRssKiB: number };
  /** Their sshd processes and dockerd, over the same median run. */
  simulated: { sshdCpuS: number; dockerdCpuS: number | null; cpuMsPerNode: number };
  loadAverage: number[];
}

export interface ManualRow {
  nodes: number;
  concurrency: number;
  /** The node audits over ssh, all nodes; then the cluster-scoped (kubectl) audits once. */
  nodesMs: number;
  clusterMs: number;
  totalMs: number;
  auditsPerNode: number;
  clusterAudits: number;
  /** When min(nodes, concurrency) equals an earlier row's, that row's figure is reused. */
  sameAs?: string;
}

export interface TraceSummary {
  nodes: number;
  /** Medians per node. */
  perNode: {
    packetsOut: number;
    packetsIn: number;
    sftpRequests: number;
    sftpByKind: Record<string, number>;
    pathRequests: number;
    distinctPaths: number;
    dockerForwards: number;
    milestonesMs: Record<string, number>;
    topPackets: Record<string, number>;
  };
  negotiated: unknown;
  /** Paths asked for more than once on one connection, with how many times (first node). */
  repeatedPaths: Record<string, number>;
}

export interface FaultRun {
  nodes: number;
  faulty: Record<string, number>;
  concurrency: number;
  nodeTimeoutS: number;
  timeoutS: number;
  slowDockerMs: number;
  wallMs: number;
  scanned: number;
  notScanned: { fault: string; reason: string }[];
}

/** The same scans with every node behind a proxy that delays each direction (latency-proxy.ts). */
export interface FarRun {
  rttMs: number;
  concurrency: number;
  rows: {
    nodes: number;
    runs: number;
    wallMs: number[];
    wallMedianMs: number;
    cpuMsPerNode: number;
  }[];
}

export interface ClusterBenchResult {
  fleet: string;
  engine: string;
  rows: ClusterRow[];
  manual: ManualRow[];
  speedups: { nodes: number; concurrency: number; ratio: number }[];
  profile?: { nodes: number; concurrency: number; summary: ProfileSummary };
  trace?: TraceSummary;
  faults?: FaultRun;
  far?: FarRun;
  plot: string;
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

interface RunOutcome {
  wallMs: number;
  userS: number;
  sysS: number;
  peakRssKiB: number;
  code: number | null;
  report: ClusterReport;
  stderr: string;
}

export async function clusterBench(
  o: ClusterBenchOptions,
  log: (s: string) => void,
  resultsDir: string,
  stamp: string,
): Promise<ClusterBenchResult> {
  if (!existsSync('/usr/bin/time'))
    throw new Error("the cluster benchmark reads rkecis's CPU with GNU time: apt-get install time");
  const { loadProfile, DEFAULT_PROFILE } = await dist<typeof Load>('profiles/load.js');
  const profile = loadProfile(DEFAULT_PROFILE);
  const example: Evidence = readExample('hardened');
  const images = [
    ...new Set(
      Object.values(example.containers).flatMap((c) => (c.status === 'present' ? [c.image] : [])),
    ),
  ];
  const maxN = Math.max(...o.sizes, o.profileNodes, o.traceNodes, ...o.farSizes);
  const faultCount = o.faults > 0 ? Math.max(3, Math.round(o.faults * o.faultNodes)) : 0;
  const refuse = Math.ceil(faultCount / 3);
  const hang = Math.ceil((faultCount - refuse) / 2);
  const slow = faultCount - refuse - hang;
  const manualMax = Math.max(0, ...o.manualSizes);

  log('starting a private Docker engine');
  const engine = await benchEngine();
  // Short: unix socket paths (the slow Docker proxy) must fit in 108 bytes.
  const work = mkdtempSync(join(tmpdir(), 'rkc-bench-'));
  let unlock: (() => Promise<void>) | undefined;
  let fleet: Fleet | undefined;
  let api: Awaited<ReturnType<typeof benchApiServer>> | undefined;
  try {
    log('planting the hardened node: RKE containers, API server');
    await importImages(engine.host, images);
    unlock = await lockRkeNames(engine.host, images[0] as string);
    await removeContainers(engine.host, example).catch(() => undefined);
    await plantContainers(engine.host, example);
    api = await benchApiServer(example);
    log(
      `starting the simulated fleet: ${maxN} nodes${faultCount > 0 ? ` and ${faultCount} faulty` : ''}`,
    );
    fleet = await startFleet({
      dir: work,
      example,
      engineSocket: engine.host.slice('unix://'.length),
      nodes: maxN,
      shellNodes: manualMax,
      faults: { refuse, hang, slowDocker: slow, slowDockerMs: o.slowDockerMs },
      log,
    });
    const f = fleet;
    const kubeconfig = api.kubeconfig;
    const sshd = (): number => f.sshdPids().reduce((s, p) => s + treeCpuSeconds(p), 0);
    const dockerd = (): number | null =>
      engine.pid !== undefined ? treeCpuSeconds(engine.pid) : null;

    const runCluster = async (
      nodes: readonly FleetNode[],
      concurrency: number,
      more: {
        nodeFlags?: string[];
        args?: string[];
        env?: NodeJS.ProcessEnv;
        knownHosts?: string;
      } = {},
    ): Promise<RunOutcome> => {
      const yml = f.clusterYml(join(work, `cluster-${nodes.length}.yml`), nodes);
      const out = join(work, 'report.json');
      rmSync(out, { force: true });
      const r = await timed(
        '/usr/bin/time',
        [
          '-f',
          'RKECIS_BENCH_TIME %e %U %S %M',
          process.execPath,
          ...(more.nodeFlags ?? []),
          BIN,
          'cluster',
          '--config',
          yml,
          '--known-hosts',
          more.knownHosts ?? f.knownHosts,
          '--kubeconfig',
          kubeconfig,
          '--concurrency',
          String(concurrency),
          ...(more.args ?? ['--timeout', '60', '--node-timeout', '900']),
          '--format',
          'json',
          '--output',
          out,
        ],
        more.env !== undefined ? { env: more.env } : {},
      );
      const t = /RKECIS_BENCH_TIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
      if (t === null || (r.code !== 0 && r.code !== 1) || !existsSync(out))
        throw new Error(`rkecis cluster exited ${String(r.code)}: ${r.stderr.slice(0, 2000)}`);
      return {
        wallMs: r.ms,
        userS: Number(t[2]),
        sysS: Number(t[3]),
        peakRssKiB: Number(t[4]),
        code: r.code,
        report: JSON.parse(readFileSync(out, 'utf8')) as ClusterReport,
        stderr: r.stderr,
      };
    };
    const mustScanAll = (r: RunOutcome, n: number): void => {
      if (r.report.coverage.scanned !== n)
        throw new Error(
          `rkecis scanned ${r.report.coverage.scanned} of ${n} nodes: ${JSON.stringify(r.report.coverage.notScanned.slice(0, 5))}`,
        );
    };

    // Not counted: the page cache, the engine's and sshd's first answers.
    const warm = Math.min(10, ...o.sizes);
    log(`warm-up: ${warm} nodes`);
    mustScanAll(await runCluster(f.healthy.slice(0, warm), 10), warm);
    const rows: ClusterRow[] = [];
    for (const n of o.sizes) {
      const nodes = f.healthy.slice(0, n);
      for (const c of o.concurrencies) {
        const runs = o.runs ?? (n <= 100 ? 3 : 1);
        const samples: { r: RunOutcome; sshd: number; dockerd: number | null; load: number[] }[] =
          [];
        for (let i = 0; i < runs; i++) {
          const s0 = sshd();
          const d0 = dockerd();
          const r = await runCluster(nodes, c);
          // Each connection's processes are reaped by its sshd before their CPU shows there.
          if (!(await untilNoChildren(f.sshdPids(), 30_000)))
            log('some sshd connections outlived the run by 30 s: their CPU is missing');
          const d1 = dockerd();
          samples.push({
            r,
            sshd: sshd() - s0,
            dockerd: d0 !== null && d1 !== null ? d1 - d0 : null,
            load: loadavg().map((x) => round(x, 2)),
          });
          mustScanAll(r, n);
          log(
            `${n} nodes, concurrency ${c}, run ${i + 1}/${runs}: ${(r.wallMs / 1000).toFixed(2)} s, rkecis CPU ${(((r.userS + r.sysS) * 1000) / n).toFixed(1)} ms/node, peak RSS ${Math.round(r.peakRssKiB / 1024)} MiB`,
          );
        }
        const walls = samples.map((s) => s.r.wallMs);
        const mid = [...samples].sort((a, b) => a.r.wallMs - b.r.wallMs)[samples.length >> 1];
        if (mid === undefined) continue;
        rows.push({
          nodes: n,
          concurrency: c,
          runs,
          wallMs: {
            median: round(median(walls)),
            min: round(Math.min(...walls)),
            max: round(Math.max(...walls)),
            samples: walls.map((w) => round(w)),
          },
          rkecis: {
            userS: mid.r.userS,
            sysS: mid.r.sysS,
            cpuMsPerNode: round(((mid.r.userS + mid.r.sysS) * 1000) / n, 2),
            peakRssKiB: mid.r.peakRssKiB,
          },
          simulated: {
            sshdCpuS: round(mid.sshd, 2),
            dockerdCpuS: mid.dockerd !== null ? round(mid.dockerd, 2) : null,
            cpuMsPerNode: round(((mid.sshd + (mid.dockerd ?? 0)) * 1000) / n, 2),
          },
          loadAverage: mid.load,
        });
      }
    }

    // The guide's procedure: its node audits on each node over ssh, then its kubectl audits once.
    const manual: ManualRow[] = [];
    if (manualMax > 0) {
      const kubectl = onPath('kubectl');
      const nodeScript = guideScript(profile, '/', {}, true, 'node');
      const clusterScript = guideScript(
        profile,
        '/',
        { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(work, 'kube-cache') },
        !kubectl,
        'cluster',
      );
      const nodeFile = join(work, 'guide-node.sh');
      const clusterFile = join(work, 'guide-cluster.sh');
      writeFileSync(nodeFile, nodeScript.script, { mode: 0o755 });
      writeFileSync(clusterFile, clusterScript.script, { mode: 0o755 });
      const runner = join(work, 'guide-over-ssh.sh');
      writeFileSync(
        runner,
        [
          '#!/usr/bin/env bash',
          '# The guide node audits on each node: ssh node bash -s < guide-node.sh, CONCURRENCY at a time.',
          'set -u',
          'key=$1 kh=$2 conc=$3 script=$4 outdir=$5',
          'shift 5',
          `printf '%s\\n' "$@" | xargs -P "$conc" -I{} sh -c 'ssh -F /dev/null -i "$0" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$1" -o StrictHostKeyChecking=yes -o LogLevel=ERROR -p {} root@127.0.0.1 bash -s <"$2" >"$3/{}.txt" 2>&1' "$key" "$kh" "$script" "$outdir"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const runManual = async (n: number, c: number): Promise<ManualRow> => {
        const outdir = join(work, `guide-out-${n}-${c}`);
        rmSync(outdir, { recursive: true, force: true });
        mkdirSync(outdir);
        const ports = f.shellPorts.slice(0, n).map(String);
        const a = await timed('bash', [
          runner,
          f.userKey,
          f.knownHosts,
          String(c),
          nodeFile,
          outdir,
          ...ports,
        ]);
        const b = await timed('bash', [clusterFile, join(outdir, 'cluster.txt')]);
        if (a.code !== 0 || b.code !== 0)
          throw new Error(
            `the guide's procedure failed: ${a.stderr.slice(0, 1000)} ${b.stderr.slice(0, 1000)}`,
          );
        // The figures count only if the commands did the job on every node.
        for (const p of ports) {
          const text = readFileSync(join(outdir, `${p}.txt`), 'utf8');
          if (!text.includes('--anonymous-auth=false'))
            throw new Error(
              `the guide's commands over ssh on port ${p} did not read the node:\n${text.slice(0, 1500)}`,
            );
        }
        return {
          nodes: n,
          concurrency: c,
          nodesMs: round(a.ms),
          clusterMs: round(b.ms),
          totalMs: round(a.ms + b.ms),
          auditsPerNode: nodeScript.audits,
          clusterAudits: clusterScript.audits,
        };
      };
      log('warm-up: the guide procedure on 1 node');
      await runManual(1, 1);
      for (const n of o.manualSizes) {
        const done = new Map<number, ManualRow>();
        for (const c of o.concurrencies) {
          const width = Math.min(n, c);
          const prev = done.get(width);
          if (prev !== undefined) {
            manual.push({ ...prev, concurrency: c, sameAs: `concurrency ${prev.concurrency}` });
            continue;
          }
          const row = await runManual(n, c);
          log(
            `guide procedure over ssh, ${n} nodes, -P ${c}: ${(row.totalMs / 1000).toFixed(1)} s`,
          );
          done.set(width, row);
          manual.push(row);
        }
      }
    }
    const speedups = manual.flatMap((m) => {
      const r = rows.find((x) => x.nodes === m.nodes && x.concurrency === m.concurrency);
      return r !== undefined
        ? [
            {
              nodes: m.nodes,
              concurrency: m.concurrency,
              ratio: round(m.totalMs / r.wallMs.median),
            },
          ]
        : [];
    });

    // Where rkecis's time goes.
    let profileOut: ClusterBenchResult['profile'];
    if (o.profileNodes > 0) {
      const dir = join(work, 'cpu-prof');
      log(`--cpu-prof run: ${o.profileNodes} nodes, concurrency 10`);
      mustScanAll(
        await runCluster(f.healthy.slice(0, o.profileNodes), 10, {
          nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
        }),
        o.profileNodes,
      );
      const file = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
      if (file !== undefined) {
        const summary = summarizeProfile(
          JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile,
          frameLocator(ROOT),
        );
        profileOut = { nodes: o.profileNodes, concurrency: 10, summary };
        writeFileSync(
          join(resultsDir, `cluster-${stamp}.cpuprofile`),
          readFileSync(join(dir, file)),
        );
      }
    }
    let trace: TraceSummary | undefined;
    if (o.traceNodes > 0) {
      const file = join(work, 'trace.json');
      log(`trace run: ${o.traceNodes} nodes, concurrency 10`);
      mustScanAll(
        await runCluster(f.healthy.slice(0, o.traceNodes), 10, {
          nodeFlags: ['--import', pathToFileURL(join(ROOT, 'dist-bench/bench/ssh-trace.js')).href],
          env: { ...process.env, RKECIS_BENCH_TRACE: file },
        }),
        o.traceNodes,
      );
      trace = summarizeTrace(JSON.parse(readFileSync(file, 'utf8')) as ConnTrace[]);
    }

    let faults: FaultRun | undefined;
    if (faultCount > 0) {
      const nodes = [...f.healthy.slice(0, o.faultNodes - faultCount), ...f.faulty];
      const timeoutS = Math.max(5, Math.ceil((o.slowDockerMs * 2) / 1000));
      log(
        `fault run: ${nodes.length} nodes, ${refuse} refusing, ${hang} hanging, ${slow} with Docker ${o.slowDockerMs} ms slow; --node-timeout ${o.faultNodeTimeout}`,
      );
      const r = await runCluster(nodes, 10, {
        args: [
          '--timeout',
          String(timeoutS),
          '--node-timeout',
          String(o.faultNodeTimeout),
          '--allow-partial',
        ],
      });
      await untilNoChildren(f.sshdPids(), 30_000);
      const kind = new Map(f.faulty.map((x) => [x.name, x.fault ?? '?']));
      faults = {
        nodes: nodes.length,
        faulty: { refuse, hang, 'slow-docker': slow },
        concurrency: 10,
        nodeTimeoutS: o.faultNodeTimeout,
        timeoutS,
        slowDockerMs: o.slowDockerMs,
        wallMs: round(r.wallMs),
        scanned: r.report.coverage.scanned,
        notScanned: r.report.coverage.notScanned.map((x) => ({
          fault: kind.get(x.name) ?? 'none',
          reason: x.reason.replace(/:\d+/g, ':PORT').replace(/port \d+/g, 'port PORT'),
        })),
      };
    }

    let far: FarRun | undefined;
    if (o.farRttMs > 0 && o.farSizes.length > 0) {
      const proxies = await latencyProxies(
        f.healthy.slice(0, Math.max(...o.farSizes)),
        o.farRttMs / 2,
        f.knownHosts,
        join(work, 'far_known_hosts'),
      );
      try {
        far = { rttMs: o.farRttMs, concurrency: 10, rows: [] };
        for (const n of o.farSizes) {
          const runs = o.runs ?? 3;
          const samples: RunOutcome[] = [];
          for (let i = 0; i < runs; i++) {
            const r = await runCluster(proxies.nodes.slice(0, n), 10, {
              knownHosts: proxies.knownHosts,
            });
            mustScanAll(r, n);
            samples.push(r);
            log(
              `far nodes (${o.farRttMs} ms round trip): ${n} nodes, run ${i + 1}: ${(r.wallMs / 1000).toFixed(2)} s`,
            );
          }
          samples.sort((a, b) => a.wallMs - b.wallMs);
          const mid = samples[Math.floor(samples.length / 2)] as RunOutcome;
          far.rows.push({
            nodes: n,
            runs,
            wallMs: samples.map((x) => round(x.wallMs)),
            wallMedianMs: round(mid.wallMs),
            cpuMsPerNode: round(((mid.userS + mid.sysS) * 1000) / n),
          });
        }
      } finally {
        await proxies.close();
      }
    }

    const series: PlotSeries[] = [
      ...o.concurrencies.map((c, i) => ({
        label: `rkecis, concurrency ${c}`,
        colour: i,
        points: rows
          .filter((r) => r.concurrency === c)
          .map((r) => ({ nodes: r.nodes, seconds: r.wallMs.median / 1000 })),
      })),
      ...o.concurrencies
        .map((c, i) => ({
          label: `guide over ssh, -P ${c}`,
          dashed: true,
          colour: i,
          points: manual
            .filter((m) => m.concurrency === c)
            .map((m) => ({ nodes: m.nodes, seconds: m.totalMs / 1000 })),
        }))
        .filter((s) => s.points.length > 0),
    ].filter((s) => s.points.length > 0);
    const plot = join(resultsDir, `cluster-${stamp}.svg`);
    const svg = clusterPlotSvg(
      series,
      'rkecis cluster over SSH vs the guide’s commands over ssh',
      `simulated RKE nodes on one machine; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} at the end`,
    );
    writeFileSync(plot, svg);
    writeFileSync(join(resultsDir, 'cluster-latest.svg'), svg);
    return {
      fleet: `${maxN} simulated nodes on ${f.sshdPids().length} sshd processes (16 ports each at most), one Docker engine; every node shows examples/hardened-node.json: its RKE containers, its host files; all roles`,
      engine: engine.host,
      rows,
      manual,
      speedups,
      ...(profileOut !== undefined ? { profile: profileOut } : {}),
      ...(trace !== undefined ? { trace } : {}),
      ...(faults !== undefined ? { faults } : {}),
      ...(far !== undefined ? { far } : {}),
      plot,
    };
  } finally {
    await fleet?.stop().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await removeContainers(engine.host, example).catch(() => undefined);
    await unlock?.().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    await engine.stop().catch((e: unknown) => {
      log(`could not stop the Docker engine: ${(e as Error).message}`);
    });
  }
}

/** Medians per node of what ssh-trace.ts counted on each connection. */
export function summarizeTrace(conns: readonly ConnTrace[]): TraceSummary {
  const med = (f: (c: ConnTrace) => number): number => round(median(conns.map(f)), 1);
  const sum = (m: Record<string, number>, pick: (k: string) => boolean): number =>
    Object.entries(m).reduce((s, [k, v]) => s + (pick(k) ? v : 0), 0);
  const keys = (pick: (c: ConnTrace) => Record<string, number>): string[] => [
    ...new Set(conns.flatMap((c) => Object.keys(pick(c)))),
  ];
  const perKey = (pick: (c: ConnTrace) => Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      keys(pick)
        .map((k): [string, number] => [k, med((c) => pick(c)[k] ?? 0)])
        .sort((a, b) => b[1] - a[1]),
    );
  const milestones = ['handshake', 'ready', 'sftp', 'firstForward', 'lastPacket'] as const;
  const first = conns[0];
  return {
    nodes: conns.length,
    perNode: {
      packetsOut: med((c) => sum(c.packets, (k) => k.startsWith('out '))),
      packetsIn: med((c) => sum(c.packets, (k) => k.startsWith('in '))),
      sftpRequests: med((c) => sum(c.packets, (k) => k.startsWith('sftp out '))),
      sftpByKind: perKey((c) => c.sftp),
      pathRequests: med((c) => sum(c.paths, () => true)),
      distinctPaths: med((c) => Object.keys(c.paths).length),
      dockerForwards: med((c) => c.forwards),
      milestonesMs: Object.fromEntries(milestones.map((m) => [m, med((c) => c.at[m] ?? NaN)])),
      topPackets: Object.fromEntries(Object.entries(perKey((c) => c.packets)).slice(0, 16)),
    },
    negotiated: first?.negotiated,
    repeatedPaths: Object.fromEntries(
      Object.entries(first?.paths ?? {})
        .filter(([, v]) => v > 1)
        .sort((a, b) => b[1] - a[1]),
    ),
  };
}
