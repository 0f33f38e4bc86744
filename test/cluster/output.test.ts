import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import { formatters } from '../helpers/formatters.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import type { ClusterReport } from '../../src/report/types.js';
import { BIN, runCli } from '../helpers/run-cli.js';

/**
 * `rkecis cluster` writes its outputs as the formatters render them: the files, stdout through a
 * pipe to a slow reader, and stdout to a reader that stops early all carry the formatters' exact
 * text (test/report/cluster-golden.test.ts pins that text).
 */
const tmp = mkdtempSync(join(tmpdir(), 'rkecis-cluster-out-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const FIXED = { SOURCE_DATE_EPOCH: '1735689600', NO_COLOR: '1' };
const bundles = join(tmp, 'bundles');
mkdirSync(bundles);
// Enough nodes that each output is several times a pipe's buffer (64 KiB).
for (let i = 0; i < 40; i++) {
  const example = i % 4 === 1 ? 'examples/insecure-node.json' : 'examples/hardened-node.json';
  const ev = JSON.parse(readFileSync(example, 'utf8')) as { node: { name: string } };
  ev.node.name = `node-${String(i).padStart(2, '0')}`;
  writeFileSync(join(bundles, `${ev.node.name}.json`), JSON.stringify(ev));
}

/** The CLI's stdout, read 4 KiB at a time with a pause between reads: a slow pipe. */
function slowly(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...FIXED },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.pause();
    const take = (): void => {
      const b = child.stdout.read(4096) as Buffer | null;
      if (b !== null) out.push(b);
      if (!child.stdout.readableEnded) setTimeout(take, 2);
    };
    child.stdout.on('readable', () => undefined);
    take();
    child.on('close', (code) => {
      for (
        let b = child.stdout.read() as Buffer | null;
        b !== null;
        b = child.stdout.read() as Buffer | null
      )
        out.push(b);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

describe('rkecis cluster outputs', () => {
  const files = join(tmp, 'files');
  mkdirSync(files);
  const run = runCli(
    [
      'cluster',
      '--bundles',
      bundles,
      '--format',
      'json',
      '--output',
      join(files, 'report.json'),
      ...FORMAT_NAMES.flatMap((f) => ['-o', `${f}=${join(files, `extra.${f}`)}`]),
    ],
    { env: FIXED },
  );
  const read = (name: string): string => readFileSync(join(files, name), 'utf8');

  it('writes every file, and each is the formatter text of the report', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(readdirSync(files).sort()).toEqual(
      ['report.json', ...FORMAT_NAMES.map((f) => `extra.${f}`)].sort(),
    );
    const text = read('report.json');
    expect(text.length).toBeGreaterThan(300_000);
    expect(read('extra.json')).toBe(text);
    // JSON.stringify(report, null, 2) and a newline, as clusterJson always wrote it.
    const report = JSON.parse(text) as ClusterReport;
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
    for (const f of FORMAT_NAMES)
      expect(read(`extra.${f}`), f).toBe(renderedText(formatters[f](report, {})));
  });

  it.each(['json', 'html', 'sarif'])(
    'prints %s whole through a pipe to a slow reader',
    async (format) => {
      const r = await slowly(['cluster', '--bundles', bundles, '--format', format]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBeGreaterThan(4 * 65536);
      expect(r.stdout).toBe(read(`extra.${format}`));
    },
  );

  it('stops quietly when the reader stops early (| head -c 100), keeping its exit code', () => {
    const out = execFileSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"${process.execPath}" "${BIN}" cluster --bundles "${bundles}" --format json 2>"${join(tmp, 'err')}" | head -c 100; echo " exit $?"`,
      ],
      { encoding: 'utf8', env: { ...process.env, ...FIXED } },
    );
    // The cluster has failing nodes: exit 1 under pipefail, as without the pipe.
    expect(out).toBe(`${read('report.json').slice(0, 100)} exit 1\n`);
    expect(readFileSync(join(tmp, 'err'), 'utf8')).toBe('');
  });
});
