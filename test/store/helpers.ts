import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../../src/engine/evaluate.js';
import { parseEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/store/', import.meta.url));
export const PROFILE_DIR = `${FIXTURES}profile`;
export const NODE_A = `${FIXTURES}node-a.json`;
export const NODE_B = `${FIXTURES}node-b.json`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const readFixture = (file: string): Evidence =>
  parseEvidence(JSON.parse(readFileSync(file, 'utf8')), file);

export function scanOf(file: string): { report: NodeReport; evidence: Evidence } {
  const evidence = readFixture(file);
  return { report: evaluate(loadProfile(PROFILE_DIR), evidence), evidence };
}

/** Starts writer-child.ts: it saves scans to the store and prints "saved <id>" after each. */
export function spawnWriter(
  url: string,
  node: string,
  count: number | 'forever',
  padding = 0,
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      './test/store/ts-register.js',
      'test/store/writer-child.ts',
      url,
      node,
      String(count),
      String(padding),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Waits for a writer to exit; rejects with its stderr when it fails. */
export function finished(child: ChildProcess): Promise<string[]> {
  const saved: string[] = [];
  let err = '';
  child.stdout?.on('data', (d: Buffer) =>
    saved.push(
      ...d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('saved ')),
    ),
  );
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(saved.map((l) => l.slice(6)));
      else reject(new Error(`writer exited ${code ?? signal ?? '?'}: ${err}`));
    });
  });
}
