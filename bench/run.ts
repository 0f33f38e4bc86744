import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, lastJson, mib, peakRssKiB, ROOT, spread, timed, type Spread } from './lib.js';
import { clusterBench, type ClusterBenchResult } from './cluster-scan.js';
import { clusterTableMarkdown } from './cluster-table.js';
import { profileMarkdown } from './cpu-profile.js';
import { nodeScanBench, type NodeScanResult } from './node-scan.js';
import { profileScanBench, profileTableMarkdown, type ProfileScanResult } from './profile-scan.js';

/**
 * `npm run bench`: rkecis's speed, measured (not asserted), printed as a table and written to
 * bench/results/. Options: --only startup,scan,profiles,eval,merge,cluster; --runs N (node scan,
 * default 10); --profile-runs N (the scan with each built-in profile that has an example against
 * its guide's procedure, default 5) and --profiles rke-cis-1.3.0,rke-cis-1.5 (default all); --startup-runs N (default 21); --merge-nodes 1000,100000; and for the cluster scan over
 * SSH: --cluster-nodes 1,10,100,500,1000; --cluster-concurrency 10,25,50;
 * --cluster-manual-nodes 1,10,20 (the guide's commands over ssh too); --cluster-runs N (default
 * 3 up to 100 nodes, else 1); --cluster-faults 0.1 (a fault run: that fraction of
 * --cluster-fault-nodes 100 refusing, hanging or slow; 0 for none) with --cluster-node-timeout 15
 * and --cluster-slow-docker-ms 2000; --cluster-profile-nodes 100 and --cluster-trace-nodes 10
 * (the --cpu-prof run and the packet-count run; 0 for none); --cluster-rtt-ms 50 and
 * --cluster-far-nodes 1,10,100 (the far-nodes run: every node behind a proxy that delays each
 * direction by half the round trip; 0 for none); --readme-plot copies the cluster plot
 * to docs/fleet-scale.svg, which the README shows.
 */
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = new Set((opt('only') ?? 'startup,scan,profiles,eval,merge,cluster').split(','));
const scanRuns = Number(opt('runs') ?? '10');
const profileRuns = Number(opt('profile-runs') ?? '5');
const profileNames = opt('profiles');
const startupRuns = Number(opt('startup-runs') ?? '21');
const evalSizes = (opt('eval-nodes') ?? '1000,10000,100000').split(',').map(Number);
const mergeSizes = (opt('merge-nodes') ?? '1000,100000').split(',').map(Number);
const list = (name: string, fallback: string): number[] =>
  (opt(name) ?? fallback)
    .split(',')
    .filter((x) => x !== '')
    .map(Number);
const clusterSizes = list('cluster-nodes', '1,10,100,500,1000');
const clusterRuns = opt('cluster-runs');

const log = (s: string): void => {
  process.stderr.write(`bench: ${s}\n`);
};
const sh = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: Number(sh('nproc', [])) || cpus().length,
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
  node: process.version,
  os: sh('uname', ['-sr']),
  virtualization: sh('bash', ['-c', "lscpu | sed -n 's/^Hypervisor vendor: *//p'"]) || 'none',
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  nodeExtraCaCerts:
    process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.NODE_EXTRA_CA_CERTS !== '',
};
/** Whether bin/rkecis.js runs the bundle: it falls back to dist/cli/ when tsc ran after bundling. */
const bundleFresh = (): boolean => {
  const m = (f: string): number =>
    existsSync(join(ROOT, f)) ? statSync(join(ROOT, f)).mtimeMs : -1;
  return m('dist/bundle/main.js') >= m('dist/cli/main.js') && m('dist/bundle/main.js') > 0;
};
const bundleAtStart = bundleFresh();
if (!bundleAtStart) log('dist/bundle/ is missing or older than dist/cli/: rkecis runs unbundled');
const oneCore = existsSync('/usr/bin/taskset')
  ? ['/usr/bin/taskset', '-c', String(Math.max(0, machine.cores - 1))]
  : [];

interface StartupRow extends Spread {
  command: string;
  env: string;
  peakRssKiB?: number;
}
interface EvalRow {
  nodes: number;
  mode: string;
  seconds: number;
  nodesPerSecond: number;
  cpuSecondsTimed: number;
  firstThousandMs: number;
  afterFirstThousandNodesPerSecond?: number;
  controlsPerNode: number;
  statuses: Record<string, number>;
  maxRssKiB: number;
}
type MergeRow =
  MergeFigures | { nodes: number; nodeMaps: string; failed: string; generateSeconds: number };
interface MergeFigures {
  nodes: number;
  nodeMaps: string;
  readBytes: number;
  addSeconds: number;
  finishSeconds: number;
  writeSeconds: number;
  seconds: number;
  clusterReportBytes: number;
  results: number;
  maxRssKiB: number;
  memory: Record<
    'afterAdd' | 'afterFinish',
    { rssMiB: number; heapUsedMiB: number; maxRssMiB: number }
  >;
  generateSeconds: number;
}

const results: {
  machine: typeof machine;
  startedAt: string;
  startup?: StartupRow[];
  scan?: NodeScanResult;
  profiles?: ProfileScanResult;
  evaluation?: EvalRow[];
  merge?: MergeRow[] | { error: string };
  cluster?: ClusterBenchResult;
  loadAverageAtEnd?: number[];
  /** rkecis ran from dist/bundle/ throughout (no tsc build made it stale during the run). */
  bundledCli?: boolean;
} = { machine, startedAt: new Date().toISOString() };

async function startup(): Promise<StartupRow[]> {
  const commands: { command: string; cmd: string; args: string[] }[] = [
    {
      command: 'node -e 0 (Node.js alone, for reference)',
      cmd: process.execPath,
      args: ['-e', '0'],
    },
    { command: 'rkecis --version', cmd: process.execPath, args: [BIN, '--version'] },
    { command: 'rkecis explain 1.1.1', cmd: process.execPath, args: [BIN, 'explain', '1.1.1'] },
  ];
  const envs: { name: string; env: NodeJS.ProcessEnv }[] = [{ name: 'as given', env: process.env }];
  if (machine.nodeExtraCaCerts) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    envs.push({ name: 'NODE_EXTRA_CA_CERTS unset', env });
  }
  const rows: StartupRow[] = [];
  for (const { name, env } of envs) {
    const samples = commands.map(() => [] as number[]);
    // Interleaved, so that a busy moment of the machine falls on all of them alike.
    for (let i = 0; i < startupRuns + 1; i++) {
      for (const [j, c] of commands.entries()) {
        const r = await timed(c.cmd, c.args, { env });
        if (r.code !== 0) throw new Error(`${c.command} exited ${String(r.code)}: ${r.stderr}`);
        if (i > 0) samples[j]?.push(r.ms);
      }
    }
    for (const [j, c] of commands.entries()) {
      const rss = await peakRssKiB(c.cmd, c.args, env);
      rows.push({
        command: c.command,
        env: name,
        ...spread(samples[j] ?? []),
        ...(rss !== undefined ? { peakRssKiB: rss } : {}),
      });
    }
  }
  return rows;
}

async function evaluation(): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  const program = join(ROOT, 'dist-bench/bench/eval-throughput.js');
  const variants: { nodes: number; extra: string[] }[] = [
    ...evalSizes.map((n) => ({ nodes: n, extra: [] })),
    { nodes: 10_000, extra: ['--bundles'] },
  ];
  for (const v of variants) {
    log(`evaluating ${v.nodes} synthetic nodes${v.extra.length > 0 ? ' from bundle text' : ''}`);
    const [cmd = process.execPath, ...pre] = oneCore.length > 0 ? oneCore : [process.execPath];
    const args = [
      ...pre,
      ...(oneCore.length > 0 ? [process.execPath] : []),
      '--expose-gc',
      program,
      String(v.nodes),
      ...v.extra,
    ];
    const r = await timed(cmd, args);
    if (r.code !== 0)
      throw new Error(`eval-throughput ${v.nodes} exited ${String(r.code)}: ${r.stderr}`);
    rows.push(lastJson(r.stdout) as EvalRow);
  }
  return rows;
}

async function merge(): Promise<MergeRow[] | { error: string }> {
  const rows: MergeRow[] = [];
  for (const n of mergeSizes) {
    const dir = mkdtempSync(join(tmpdir(), 'rkecis-bench-reports-'));
    try {
      log(`writing ${n} node reports to ${dir}`);
      // Two writers at once (the machine's cores), each a range of the nodes.
      const t0 = performance.now();
      const half = Math.ceil(n / 2);
      const made = await Promise.all(
        [
          [0, half],
          [half, n],
        ].map(([from, to]) =>
          timed(process.execPath, [
            join(ROOT, 'dist-bench/bench/make-reports.js'),
            dir,
            String(from),
            String(to),
          ]),
        ),
      );
      for (const m of made)
        if (m.code !== 0) throw new Error(`make-reports exited ${String(m.code)}: ${m.stderr}`);
      const generateSeconds = Math.round(performance.now() - t0) / 1000;
      // Per-node maps of every node are the default; a fleet this size may ask for failing nodes only.
      for (const nodeMaps of n >= 100_000 ? ['all', 'failing'] : ['all']) {
        log(`merging ${n} node reports (node maps: ${nodeMaps})`);
        const r = await timed(
          process.execPath,
          [join(ROOT, 'dist-bench/bench/merge-reports.js'), dir, `${dir}-cluster.json`],
          { env: { ...process.env, NODE_MAPS: nodeMaps } },
        );
        if (r.code === 3) return { error: r.stderr.trim() };
        if (r.code !== 0) {
          // A merge that runs out of memory is a figure too: the row says how it ended.
          const why = r.stderr
            .trim()
            .split('\n')
            .filter((l) => /Error|heap|memory|Invalid/.test(l))
            .slice(0, 2)
            .join(' ');
          rows.push({
            nodes: n,
            nodeMaps,
            failed: `exited ${String(r.code)} after ${(r.ms / 1000).toFixed(1)} s: ${why.slice(0, 300)}`,
            generateSeconds,
          });
          continue;
        }
        rows.push({
          ...(lastJson(r.stdout) as Omit<MergeFigures, 'generateSeconds'>),
          generateSeconds,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}-cluster.json`, { force: true });
    }
  }
  return rows;
}

const ms = (x: number): string => `${Math.round(x)} ms`;
const n = (x: number): string => x.toLocaleString('en-US');

function table(): string {
  const lines: string[] = [];
  const row = (cells: string[]): void => {
    lines.push(`| ${cells.join(' | ')} |`);
  };
  row(['measure', 'result', 'target', 'detail']);
  row(['---', '---', '---', '---']);
  const s = results.scan;
  if (s !== undefined) {
    row([
      "node scan vs the guide's procedure (whole processes, medians)",
      `**${s.speedup}× faster**: rkecis scan ${ms(s.rkecis.medianMs)}, guide ${ms(s.guide.medianMs)}`,
      '≥ 20×',
      `${s.rkecis.runs} runs each, alternating; rkecis ${ms(s.rkecis.minMs)}–${ms(s.rkecis.maxMs)}, peak RSS ${mib(s.rkecis.peakRssKiB)}; guide ${s.guide.audits} audits (${Object.entries(
        s.guide.byTool,
      )
        .map(([t, c]) => `${c} ${t}`)
        .join(
          ', ',
        )}) ${ms(s.guide.minMs)}–${ms(s.guide.maxMs)}${s.guide.skipped !== null ? `; ${s.guide.skipped.why}` : ''}`,
    ]);
    const over = (scan: number, alone: number): string =>
      `**${ms(scan - alone)}** (rkecis scan ${ms(scan)}, node -e 0 ${ms(alone)})`;
    row([
      "node scan over Node.js's own start-up (medians, same rounds)",
      over(s.rkecis.medianMs, s.nodeAlone.medianMs),
      '≤ 100 ms',
      'whole processes; the scan reads Docker, the files and the API server and writes its report',
    ]);
    const plain = s.nodeAlone.withoutExtraCaCerts;
    if (s.withoutExtraCaCerts !== undefined && plain !== undefined)
      row([
        'the same without NODE_EXTRA_CA_CERTS',
        over(s.withoutExtraCaCerts.medianMs, plain.medianMs),
        '≤ 100 ms',
        '',
      ]);
    const w = s.withoutExtraCaCerts;
    if (w !== undefined)
      row([
        'node scan, rkecis without NODE_EXTRA_CA_CERTS (same rounds)',
        `**${w.speedup}× faster**: rkecis scan ${ms(w.medianMs)}`,
        '≥ 20×',
        `${w.runs} runs, ${ms(w.minMs)}–${ms(w.maxMs)}: the variable makes Node.js parse the extra CA file at start-up`,
      ]);
  }
  for (const e of results.evaluation ?? []) {
    row([
      `evaluation, ${n(e.nodes)} nodes${e.mode.startsWith('bundle') ? ' from bundle text (parse + schema validation + evaluate)' : ''}, one core`,
      `**${n(e.nodesPerSecond)} nodes/s**`,
      e.mode.startsWith('bundle') ? '(for reference)' : '≥ 10,000/s',
      `${e.seconds} s; first 1,000 nodes ${ms(e.firstThousandMs)} (JIT warm-up)${e.afterFirstThousandNodesPerSecond !== undefined ? `, ${n(e.afterFirstThousandNodesPerSecond)} nodes/s after them` : ''}; ${e.controlsPerNode} controls a node on average; peak RSS ${mib(e.maxRssKiB)}`,
    ]);
  }
  const m = results.merge;
  if (m !== undefined && 'error' in m)
    row(['cluster merge', `**not measured**: ${m.error}`, '< 1 GiB at 100,000', '']);
  else
    for (const r of m ?? []) {
      if ('failed' in r) {
        row([
          `cluster merge, ${n(r.nodes)} node reports (node maps: ${r.nodeMaps})`,
          `**failed**: ${r.failed}`,
          r.nodes >= 100_000 ? '< 1 GiB' : '',
          '',
        ]);
        continue;
      }
      row([
        `cluster merge, ${n(r.nodes)} node reports streamed from files (node maps: ${r.nodeMaps})`,
        `**${(r.addSeconds + r.finishSeconds).toFixed(1)} s, peak RSS ${r.memory.afterFinish.maxRssMiB} MiB**; with the report written as JSON: ${r.seconds} s, peak RSS ${mib(r.maxRssKiB)}`,
        r.nodes >= 100_000 ? '< 1 GiB' : '',
        `read+parse+add ${r.addSeconds} s (${(r.readBytes / 2 ** 30).toFixed(2)} GiB of JSON, ${n(Math.round(r.nodes / r.addSeconds))} reports/s), finish ${r.finishSeconds} s; then the JSON formatter's pieces written as rkecis cluster --output writes them ${r.writeSeconds} s (${(r.clusterReportBytes / 2 ** 20).toFixed(0)} MiB)`,
      ]);
    }
  const c = results.cluster;
  for (const r of c?.rows ?? []) {
    row([
      `cluster over SSH, ${n(r.nodes)} nodes, concurrency ${r.concurrency}`,
      `**${(r.wallMs.median / 1000).toFixed(2)} s**, rkecis CPU **${r.rkecis.cpuMsPerNode} ms/node**, peak RSS ${mib(r.rkecis.peakRssKiB)}`,
      r.nodes === 1000
        ? '≤ 10 ms/node, ≤ 300 MiB'
        : r.nodes === 100 && r.concurrency === 10
          ? '≤ 4 s, ≤ 10 ms/node'
          : '≤ 10 ms/node',
      `${r.runs} run${r.runs > 1 ? 's' : ''}, ${(r.wallMs.min / 1000).toFixed(2)}–${(r.wallMs.max / 1000).toFixed(2)} s; rkecis ${r.rkecis.userS} s user + ${r.rkecis.sysS} s sys; simulated nodes ${r.simulated.cpuMsPerNode} ms/node (sshd ${r.simulated.sshdCpuS} s, dockerd ${r.simulated.dockerdCpuS !== null ? `${r.simulated.dockerdCpuS} s` : 'not measured'}); load ${r.loadAverage.join(' ')}`,
    ]);
  }
  for (const m of c?.manual ?? []) {
    const speed = c?.speedups.find((x) => x.nodes === m.nodes && x.concurrency === m.concurrency);
    row([
      `the guide's commands over ssh, ${n(m.nodes)} nodes, -P ${m.concurrency}`,
      `${(m.totalMs / 1000).toFixed(1)} s${speed !== undefined ? `: rkecis **${speed.ratio}× faster**` : ''}`,
      '≥ 20×',
      `${m.auditsPerNode} audits a node over \`ssh node bash -s\` (${(m.nodesMs / 1000).toFixed(1)} s), then ${m.clusterAudits} kubectl audits once (${(m.clusterMs / 1000).toFixed(1)} s)${m.sameAs !== undefined ? `; the run of ${m.sameAs} (as many at once)` : ''}`,
    ]);
  }
  if (c?.faults !== undefined) {
    const f = c.faults;
    row([
      `cluster with faulty nodes: ${f.nodes} nodes, ${Object.entries(f.faulty)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
      `**${(f.wallMs / 1000).toFixed(1)} s**, ${f.scanned} scanned, ${f.notScanned.length} reported not scanned`,
      `bounded by --node-timeout ${f.nodeTimeoutS} s`,
      `concurrency ${f.concurrency}, --timeout ${f.timeoutS} s, Docker ${f.slowDockerMs} ms slow; reasons: ${[...new Set(f.notScanned.map((x) => `${x.fault}: ${x.reason}`))].slice(0, 4).join('; ')}`,
    ]);
  }
  for (const r of results.startup ?? []) {
    row([
      `start-up: \`${r.command}\`${r.env === 'as given' ? '' : ` (${r.env})`}`,
      `**${ms(r.medianMs)}**`,
      r.command === 'rkecis --version' ? '< 100 ms' : '',
      `median of ${r.runs}, ${ms(r.minMs)}–${ms(r.maxMs)}; peak RSS ${mib(r.peakRssKiB)}`,
    ]);
  }
  return lines.join('\n');
}

if (only.has('startup')) {
  log(`start-up: ${startupRuns} runs of each command`);
  results.startup = await startup();
}
if (only.has('scan')) results.scan = await nodeScanBench(scanRuns, log);
if (only.has('profiles'))
  results.profiles = await profileScanBench(
    profileRuns,
    log,
    profileNames !== undefined ? new Set(profileNames.split(',')) : undefined,
  );
if (only.has('eval')) results.evaluation = await evaluation();
if (only.has('merge')) results.merge = await merge();
const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const stamp = results.startedAt.replace(/[:.]/g, '-');
if (only.has('cluster')) {
  const faults = Number(opt('cluster-faults') ?? '0.1');
  const faultNodes = Math.min(
    Number(opt('cluster-fault-nodes') ?? '100'),
    Math.max(...clusterSizes),
  );
  results.cluster = await clusterBench(
    {
      sizes: clusterSizes,
      concurrencies: list('cluster-concurrency', '10,25,50'),
      manualSizes: list('cluster-manual-nodes', '1,10,20'),
      ...(clusterRuns !== undefined ? { runs: Number(clusterRuns) } : {}),
      faults: faultNodes >= 10 ? faults : 0,
      faultNodes,
      faultNodeTimeout: Number(opt('cluster-node-timeout') ?? '15'),
      slowDockerMs: Number(opt('cluster-slow-docker-ms') ?? '2000'),
      profileNodes: Math.min(
        Number(opt('cluster-profile-nodes') ?? '100'),
        Math.max(...clusterSizes),
      ),
      traceNodes: Math.min(Number(opt('cluster-trace-nodes') ?? '10'), Math.max(...clusterSizes)),
      farRttMs: Number(opt('cluster-rtt-ms') ?? '50'),
      // Far nodes at the sizes measured (up to 100: each run is seconds of waiting).
      farSizes: list('cluster-far-nodes', '1,10,100').filter((n) => n <= Math.max(...clusterSizes)),
    },
    log,
    dir,
    stamp,
  );
  if (results.cluster.profile !== undefined)
    writeFileSync(
      join(dir, `cluster-profile-${stamp}.md`),
      `# rkecis cluster, ${results.cluster.profile.nodes} nodes, concurrency ${results.cluster.profile.concurrency}: CPU profile\n\n${profileMarkdown(results.cluster.profile.summary, results.cluster.profile.nodes)}`,
    );
}
results.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
results.bundledCli = bundleAtStart && bundleFresh();
if (results.cluster !== undefined) {
  // README-ready: the table of this run, beside its plot (cluster-latest.svg).
  const md = clusterTableMarkdown(
    machine,
    results.cluster,
    results.startedAt,
    results.loadAverageAtEnd,
  );
  writeFileSync(join(dir, `cluster-${stamp}.md`), md);
  writeFileSync(join(dir, 'cluster-latest.md'), md);
  // The README shows the plot of the run its table comes from: only when asked.
  if (argv.includes('--readme-plot'))
    copyFileSync(results.cluster.plot, join(ROOT, 'docs/fleet-scale.svg'));
}

let profileTable = '';
if (results.profiles !== undefined) {
  profileTable = profileTableMarkdown(results.profiles);
  const md = `# rkecis scan with each profile against its guide's procedure, ${results.startedAt}\n\n${profileTable}`;
  writeFileSync(join(dir, `profiles-${stamp}.md`), md);
  writeFileSync(join(dir, 'profiles-latest.md'), md);
}

const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(join(dir, `bench-${stamp}.json`), json);
writeFileSync(join(dir, 'latest.json'), json);
process.stdout.write(
  `\nrkecis benchmark, ${results.startedAt}\n` +
    `machine: ${machine.cores} cores (${machine.cpu}, ${machine.virtualization} VM), ${machine.memory}, Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${results.loadAverageAtEnd.join(' ')} at end\n\n` +
    (results.bundledCli
      ? ''
      : 'NOTE: rkecis did not run from dist/bundle/ throughout (a tsc build made it stale): rerun after npm run build\n\n') +
    `${table()}\n\n` +
    (profileTable !== ''
      ? `each profile's example node, rkecis scan --profile P against the guide's procedure (medians of ${profileRuns}, alternating):\n\n${profileTable}\n(bench/results/profiles-latest.md)\n\n`
      : '') +
    `written to bench/results/bench-${stamp}.json (and latest.json)\n`,
);
