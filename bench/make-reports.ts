import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Evaluate from '../src/engine/evaluate.js';
import type * as Load from '../src/profiles/load.js';
import type { NodeReport } from '../src/report/types.js';
import { dist, readExample } from './lib.js';
import { syntheticEvidence } from './synthetic.js';

/**
 * Child process: writes the node reports of varied synthetic nodes FROM..TO-1 to DIR, one JSON
 * file per node (as `rkecis scan --format json --output` writes them, but compact), in folders of
 * 1,000: DIR/000/node-000000.json ... Prints {files, bytes} as a JSON line.
 */
const dir = process.argv[2] ?? '';
const from = Number(process.argv[3] ?? '0');
const to = Number(process.argv[4] ?? '1000');
if (dir === '') throw new Error('usage: make-reports DIR FROM TO');

const { evaluate } = await dist<typeof Evaluate>('engine/evaluate.js');
const { loadProfile, DEFAULT_PROFILE } = await dist<typeof Load>('profiles/load.js');
const profile = loadProfile(DEFAULT_PROFILE);
const base = { hardened: readExample('hardened'), insecure: readExample('insecure') };

let bytes = 0;
for (let i = from; i < to; i++) {
  const sub = join(dir, String(Math.floor(i / 1000)).padStart(3, '0'));
  if (i === from || i % 1000 === 0) mkdirSync(sub, { recursive: true });
  const report: NodeReport = {
    rkecisVersion: 'bench',
    generatedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    ...evaluate(profile, syntheticEvidence(i, base)),
  };
  const text = JSON.stringify(report);
  bytes += Buffer.byteLength(text);
  writeFileSync(join(sub, `node-${String(i).padStart(6, '0')}.json`), text);
}
process.stdout.write(`${JSON.stringify({ files: to - from, bytes })}\n`);
