import type { ClusterBenchResult } from './cluster-scan.js';

/** What the README's table says of the machine a run was made on. */
export interface TableMachine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  virtualization: string;
  loadAverageAtStart: number[];
  nodeExtraCaCerts: boolean;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number): string => `${Math.round(kib / 1024)} MiB`;
const count = (x: number): string => x.toLocaleString('en-US');

/**
 * The cluster benchmark as a README-ready markdown table: the machine, its load and Node.js
 * version, then per node count and concurrency the wall time, rkecis's CPU per node, the
 * simulated nodes' CPU, rkecis's peak RSS, and the guide's procedure over ssh with the same
 * concurrency and how many times slower it was. Pure: bench/run.ts writes it to
 * bench/results/cluster-latest.md beside the plot.
 */
export function clusterTableMarkdown(
  machine: TableMachine,
  c: ClusterBenchResult,
  startedAt: string,
  loadAtEnd: number[],
): string {
  const lines = [
    `Run of ${startedAt.slice(0, 16).replace('T', ' ')} UTC: ${machine.cores} cores (${machine.cpu}${machine.virtualization !== 'none' ? `, ${machine.virtualization} VM` : ''}), ${machine.memory}, Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${loadAtEnd.join(' ')} at end; NODE_EXTRA_CA_CERTS ${machine.nodeExtraCaCerts ? 'set' : 'unset'}.`,
    `Fleet: ${c.fleet}.`,
    '',
    "| nodes | concurrency | wall (median) | rkecis CPU per node | simulated nodes' CPU per node | rkecis peak RSS | guide's commands over ssh | rkecis faster by |",
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of c.rows) {
    const guide = c.manual.find((m) => m.nodes === r.nodes && m.concurrency === r.concurrency);
    const ratio = c.speedups.find((x) => x.nodes === r.nodes && x.concurrency === r.concurrency);
    lines.push(
      `| ${count(r.nodes)} | ${r.concurrency} | ${s(r.wallMs.median)}${r.runs > 1 ? ` (${r.runs} runs, ${s(r.wallMs.min)}–${s(r.wallMs.max)})` : ''} | ${r.rkecis.cpuMsPerNode} ms (${r.rkecis.userS} s user + ${r.rkecis.sysS} s sys) | ${r.simulated.cpuMsPerNode} ms | ${mib(r.rkecis.peakRssKiB)} | ${guide !== undefined ? s(guide.totalMs) : '—'} | ${ratio !== undefined ? `${ratio.ratio}×` : '—'} |`,
    );
  }
  // The guide's procedure at sizes rkecis did not run (or the other way round) still says its time.
  for (const m of c.manual) {
    if (c.rows.some((r) => r.nodes === m.nodes && r.concurrency === m.concurrency)) continue;
    lines.push(`| ${count(m.nodes)} | ${m.concurrency} | — | — | — | — | ${s(m.totalMs)} | — |`);
  }
  const f = c.faults;
  if (f !== undefined)
    lines.push(
      '',
      `Faults: ${f.nodes} nodes (${Object.entries(f.faulty)
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )}), concurrency ${f.concurrency}, --node-timeout ${f.nodeTimeoutS} s: ${s(f.wallMs)}, ${f.scanned} scanned, ${f.notScanned.length} reported not scanned with their reasons.`,
    );
  const far = c.far;
  if (far !== undefined && far.rows.length > 0)
    lines.push(
      '',
      `Far nodes: each node behind a proxy that delays each direction by ${far.rttMs / 2} ms (a ${far.rttMs} ms round trip; the TCP handshake not delayed), concurrency ${far.concurrency}:`,
      '',
      '| nodes | wall (median) | rkecis CPU per node |',
      '| ---: | ---: | ---: |',
      ...far.rows.map(
        (r) =>
          `| ${count(r.nodes)} | ${s(r.wallMedianMs)}${r.runs > 1 ? ` (${r.runs} runs, ${s(Math.min(...r.wallMs))}–${s(Math.max(...r.wallMs))})` : ''} | ${r.cpuMsPerNode} ms |`,
      ),
    );
  lines.push(
    '',
    "rkecis CPU: the `rkecis cluster` process's user + system time (GNU time) over the nodes; simulated nodes: their sshd processes and the Docker engine, which share the machine's cores. The guide's commands: the profile's node audits over `ssh node bash -s`, `xargs -P` nodes at a time, then its kubectl audits once.",
    '',
  );
  return lines.join('\n');
}
