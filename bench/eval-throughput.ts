import type * as Evaluate from '../src/engine/evaluate.js';
import type * as Read from '../src/evidence/read.js';
import type { Evidence } from '../src/evidence/schema.js';
import type * as Load from '../src/profiles/load.js';
import { dist, readExample } from './lib.js';
import { syntheticEvidence } from './synthetic.js';

/**
 * Child process: evaluates N varied synthetic node evidences in this one (single-threaded)
 * process and prints {nodes, seconds, ...} as a JSON line. Evidences are made in batches of
 * 1,000, outside the timed part, and parsed from JSON text as evidence arrives (from a bundle or
 * the Docker API); only evaluate() is timed. Reports are tallied and dropped, as a
 * fleet evaluation that writes each one out would. With --bundles, each node starts as bundle
 * text (JSON), which is parsed and validated against the evidence schema first, as
 * `rkecis evaluate` and `rkecis cluster --bundles` do, and that is timed too.
 */
const count = Number(process.argv[2] ?? '1000');
const bundles = process.argv.includes('--bundles');
const BATCH = 1000;

const { evaluate } = await dist<typeof Evaluate>('engine/evaluate.js');
const { loadProfile, DEFAULT_PROFILE } = await dist<typeof Load>('profiles/load.js');
const { parseEvidence } = await dist<typeof Read>('evidence/read.js');
const profile = loadProfile(DEFAULT_PROFILE);
const base = { hardened: readExample('hardened'), insecure: readExample('insecure') };

const statuses: Record<string, number> = {};
let controls = 0;
let timedMs = 0;
/** The first batch's time: evaluation code starts interpreted and is compiled as it runs hot. */
let firstBatchMs = 0;
const cpu0 = process.cpuUsage();
let cpuOutside = 0;
for (let start = 0; start < count; start += BATCH) {
  const n = Math.min(BATCH, count - start);
  const c0 = process.cpuUsage();
  const batch: Evidence[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    // As evidence arrives (a bundle, or the Docker API's answers): parsed from JSON text.
    const text = JSON.stringify(syntheticEvidence(start + i, base));
    if (bundles) texts.push(text);
    else batch.push(JSON.parse(text) as Evidence);
  }
  // The new batch moves to the old generation now, outside the timed part, rather than being
  // copied by the young-generation collections evaluation triggers (run with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const c1 = process.cpuUsage(c0);
  cpuOutside += c1.user + c1.system;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const evidence = bundles
      ? parseEvidence(JSON.parse(texts[i] as string), `node-${start + i}.json`)
      : (batch[i] as Evidence);
    const report = evaluate(profile, evidence);
    controls += report.results.length;
    for (const r of report.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  const batchMs = performance.now() - t0;
  if (start === 0) firstBatchMs = batchMs;
  timedMs += batchMs;
}
const cpu = process.cpuUsage(cpu0);
const seconds = timedMs / 1000;
process.stdout.write(
  `${JSON.stringify({
    nodes: count,
    mode: bundles ? 'bundle text -> validated evidence -> report' : 'evidence -> report',
    seconds: Math.round(seconds * 1000) / 1000,
    nodesPerSecond: Math.round(count / seconds),
    // Separately: the first 1,000 nodes, where the JIT compiler is still at work (on the same
    // core), and the rate after them, which is what a long fleet evaluation runs at.
    firstThousandMs: Math.round(firstBatchMs),
    ...(count > BATCH
      ? {
          afterFirstThousandNodesPerSecond: Math.round(
            (count - BATCH) / ((timedMs - firstBatchMs) / 1000),
          ),
        }
      : {}),
    cpuSecondsTimed: Math.round((cpu.user + cpu.system - cpuOutside) / 1000) / 1000,
    controlsPerNode: Math.round((controls / count) * 10) / 10,
    statuses,
    maxRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);
