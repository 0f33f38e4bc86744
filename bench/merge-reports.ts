import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Write from '../src/cli/write-files.js';
import type * as Merge from '../src/cluster/merge.js';
import type * as Load from '../src/profiles/load.js';
import type * as ClusterJson from '../src/report/formatters/cluster-json.js';
import type { NodeReport } from '../src/report/types.js';
import { dist, ROOT } from './lib.js';

/**
 * Child process: merges the node reports under DIR (from make-reports) into one cluster report,
 * reading them one file at a time (no report is kept once added), then writes the cluster report
 * as JSON to OUT as `rkecis cluster --format json --output OUT` does: the formatter's pieces
 * through the CLI's atomic writer, never the whole text at once. Prints the phases' times and
 * the peak RSS as a JSON line.
 * NODE_MAPS=failing asks the merger for per-node maps of failing nodes only.
 */
const dir = process.argv[2] ?? '';
const out = process.argv[3] ?? '';
const nodeMaps = process.env.NODE_MAPS === 'failing' ? 'failing' : 'all';
if (dir === '' || out === '') throw new Error('usage: merge-reports DIR OUT');

if (!existsSync(join(ROOT, 'dist/cluster/merge.js'))) {
  process.stderr.write('cluster merge not available yet (dist/cluster/merge.js is missing)\n');
  process.exit(3);
}
const { createClusterMerger } = await dist<typeof Merge>('cluster/merge.js');
const { loadProfile, DEFAULT_PROFILE } = await dist<typeof Load>('profiles/load.js');
const { writeFiles } = await dist<typeof Write>('cli/write-files.js');
const { clusterJson } = await dist<typeof ClusterJson>('report/formatters/cluster-json.js');

const t0 = performance.now();
const merger = createClusterMerger({ profile: loadProfile(DEFAULT_PROFILE) });
let bytes = 0;
for (const sub of readdirSync(dir).sort()) {
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const text = readFileSync(join(dir, sub, name), 'utf8');
    bytes += text.length;
    merger.add(JSON.parse(text) as NodeReport, `${sub}/${name}`);
  }
}
const t1 = performance.now();
const mem = (): { rssMiB: number; heapUsedMiB: number } => {
  const m = process.memoryUsage();
  return { rssMiB: Math.round(m.rss / 2 ** 20), heapUsedMiB: Math.round(m.heapUsed / 2 ** 20) };
};
const afterAdd = { ...mem(), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
const report = merger.finish({
  cluster: { name: 'bench', source: dir },
  nodeMaps,
  rkecisVersion: 'bench',
});
const t2 = performance.now();
const afterFinish = { ...mem(), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
await writeFiles([{ path: out, content: clusterJson(report) }]);
const t3 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    nodes: merger.nodeCount,
    nodeMaps,
    readBytes: bytes,
    addSeconds: Math.round(t1 - t0) / 1000,
    finishSeconds: Math.round(t2 - t1) / 1000,
    writeSeconds: Math.round(t3 - t2) / 1000,
    seconds: Math.round(t3 - t0) / 1000,
    clusterReportBytes: statSync(out).size,
    results: report.results.length,
    maxRssKiB: process.resourceUsage().maxRSS,
    memory: { afterAdd, afterFinish },
  })}\n`,
);
