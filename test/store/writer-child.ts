/**
 * A writer process for the store tests: saves scans to the store named by argv and prints
 * "writing" before each transaction and "saved <id>" after its commit. Run with `node --import ./test/store/ts-register.js`.
 *
 *   writer-child.ts <store-url> <node-name> <count|forever> [padding-bytes]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { evaluate } from '../../src/engine/evaluate.js';
import { parseEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { scanRow } from '../../src/store/history.js';
import { openStore } from '../../src/store/open.js';

const [url = '', node = 'writer', countArg = '1', paddingArg = '0'] = process.argv.slice(2);
const fixtures = new URL('../fixtures/store/', import.meta.url);
const profile = loadProfile(new URL('profile', fixtures).pathname);
const base = parseEvidence(
  JSON.parse(readFileSync(new URL('node-a.json', fixtures), 'utf8')),
  'node-a.json',
);
const padding = Number(paddingArg);

const store = await openStore(url, { create: true });
const forever = countArg === 'forever';
for (let i = 0; forever || i < Number(countArg); i++) {
  // A large, incompressible file content makes each transaction long enough for a kill to land inside it.
  const evidence = {
    ...base,
    node: { name: node },
    files: {
      ...base.files,
      '/etc/kubernetes/padding.yaml': {
        status: 'present' as const,
        type: 'file' as const,
        mode: '600',
        uid: 0,
        gid: 0,
        user: 'root',
        group: 'root',
        content: `# ${i}\n${randomBytes(padding).toString('base64')}`,
      },
    },
  };
  const row = scanRow({ report: evaluate(profile, evidence), evidence });
  // "writing" comes just before the transaction: a test that kills on it kills mid-write.
  process.stdout.write('writing\n');
  await store.insert(row);
  process.stdout.write(`saved ${row.id}\n`);
}
await store.close();
