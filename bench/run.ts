import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, lastJson, mib, peakRssKiB, ROOT, spread, timed, type Spread } from './lib.js';
import { nodeScanBench, type NodeScanResult } from './node-scan.js';

/**
 * `npm run bench`: rkecis's speed, measured (not asserted), printed as a table and written to
 * bench/results/. Options: --only scan,eval,merge,startup; --runs N (node scan, default 10);
 * --startup-runs N (default 21); --merge-nodes 1000,100000.
 */
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = new Set((opt('only') ?? 'startup,scan,eval,merge').split(','));
const scanRuns = Number(opt('runs') ?? '10');
const startupRuns = Number(opt('startup-runs') ?? '21');
const evalSizes = (opt('eval-nodes') ?? '1000,10000,100000').split(',').map(Number);
const mergeSizes = (opt('merge-nodes') ?? '1000,100000').split(',').map(Number);

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
  evaluation?: EvalRow[];
  merge?: MergeRow[] | { error: string };
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
if (only.has('eval')) results.evaluation = await evaluation();
if (only.has('merge')) results.merge = await merge();
results.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
results.bundledCli = bundleAtStart && bundleFresh();

const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const stamp = results.startedAt.replace(/[:.]/g, '-');
const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(join(dir, `bench-${stamp}.json`), json);
writeFileSync(join(dir, 'latest.json'), json);
process.stdout.write(
  `\nrkecis benchmark, ${results.startedAt}\n` +
    `machine: ${machine.cores} cores (${machine.cpu}, ${machine.virtualization} VM), ${machine.memory}, Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${results.loadAverageAtEnd.join(' ')} at end\n\n` +
    (results.bundledCli
      ? ''
      : 'NOTE: rkecis did not run from dist/bundle/ throughout (a tsc build made it stale): rerun after npm run build\n\n') +
    `${table()}\n\nwritten to bench/results/bench-${stamp}.json (and latest.json)\n`,
);
