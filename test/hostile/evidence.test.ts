import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';
import { EVIDENCE_CASES, EVIDENCE_PATH_CASES, type EvidenceCase } from './evidence.cases.js';
import { expectOutcome, ISOLATED_ENV, leftovers, runMain, tempDir } from './harness.js';

const tmp = tempDir('evidence');
afterAll(tmp.remove);

function inputPath(c: EvidenceCase, i: number): string {
  const input = c.input;
  if ('fixture' in input) return join('test/hostile/cases/evidence', input.fixture);
  if ('make' in input) return input.make(tmp.dir);
  const path = join(tmp.dir, `case-${i}.json`);
  writeFileSync(path, input.text());
  return path;
}

describe('hostile evidence bundles: rkecis evaluate', () => {
  it.each(EVIDENCE_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s',
    async (_name, c, i) => {
      const out = join(tmp.dir, `out-${i}`);
      mkdirSync(out);
      const run = await runMain([
        'evaluate',
        inputPath(c, i),
        '--format',
        'json',
        '-o',
        `html=${join(out, 'r.html')}`,
      ]);
      expectOutcome(run, c.expect, c.name);
      // Bad input writes nothing; a report is written whole.
      expect(leftovers(out)).toEqual(c.expect.exit === 2 ? [] : ['r.html']);
    },
    60_000,
  );
});

describe('evidence paths that are not bundle files (real CLI)', () => {
  it.each(EVIDENCE_PATH_CASES.map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      const r = spawnSync(
        process.execPath,
        [BIN, 'evaluate', c.path(tmp.dir), '--format', 'json'],
        {
          encoding: 'utf8',
          input: c.stdin?.() ?? '',
          env: { ...process.env, ...ISOLATED_ENV, KUBERNETES_SERVICE_HOST: '' },
          timeout: 20_000,
          maxBuffer: 16 << 20,
        },
      );
      expect(r.signal, 'finished by itself, not killed by the timeout').toBeNull();
      expectOutcome({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }, c.expect, c.name);
    },
    30_000,
  );
});
