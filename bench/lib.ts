import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Evidence } from '../src/evidence/schema.js';

/** The repository root (this file runs as dist-bench/bench/lib.js). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/rkecis.js`;

/**
 * A module of the built rkecis (dist/), typed as its source: the benchmark measures what
 * `npm run build` ships, not a second compilation of src/.
 */
export async function dist<T>(path: string): Promise<T> {
  const file = `${ROOT}dist/${path}`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return (await import(pathToFileURL(file).href)) as T;
}

export function readExample(name: 'hardened' | 'insecure'): Evidence {
  return JSON.parse(readFileSync(`${ROOT}examples/${name}-node.json`, 'utf8')) as Evidence;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0
    ? NaN
    : s.length % 2 === 1
      ? (s[m] as number)
      : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface Spread {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

export function spread(samples: readonly number[]): Spread {
  const r = (x: number): number => Math.round(x * 10) / 10;
  return {
    runs: samples.length,
    medianMs: r(median(samples)),
    minMs: r(Math.min(...samples)),
    maxMs: r(Math.max(...samples)),
    samplesMs: samples.map(r),
  };
}

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a whole process (no shell) and times it from spawn to exit. */
export function timed(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({
        ms: performance.now() - t0,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Peak resident set of a whole process in KiB, from GNU time, when it is installed. */
export async function peakRssKiB(
  cmd: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<number | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = await timed(
    '/usr/bin/time',
    ['-f', '%M', cmd, ...args],
    env !== undefined ? { env } : {},
  );
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  return /^\d+$/.test(last) ? Number(last) : undefined;
}

export const mib = (kib: number | undefined): string =>
  kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;

/** The child programs of the benchmark print one JSON line last. */
export function lastJson(stdout: string): unknown {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line);
}
