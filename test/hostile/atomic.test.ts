import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';
import { HARDENED } from './hardened-node.js';
import { ISOLATED_ENV, tempDir } from './harness.js';

/**
 * Issue #9, "Atomic outputs": an interrupted run (SIGINT, SIGTERM, SIGKILL mid-write) leaves no
 * partial report file. A huge report (about 50 MB in each of three formats, plus the main output
 * to a slow reader on stdout) is killed at random times across the run, and at times inside the
 * window in which its files are being written: each target is then absent or whole (the same
 * bytes as an uninterrupted run), and after SIGINT or SIGTERM no temporary file is left.
 */
const tmp = tempDir('atomic');
afterAll(tmp.remove);
const TARGETS = { json: 'report.json', html: 'report.html', markdown: 'report.md' } as const;
let bundle = '';
const whole = new Map<string, string>();
let duration = 0;
/** When, after the start, temporary files existed in the uninterrupted run. */
let writeWindow: [number, number] = [0, 0];

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Runs evaluate into `dir`, stdout drained slowly; kills it with `signal` after `delayMs`. */
function run(dir: string, signal?: NodeJS.Signals, delayMs = 0, watch?: (t: number) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve) => {
      const t0 = Date.now();
      const child = spawn(
        process.execPath,
        [
          BIN,
          'evaluate',
          bundle,
          '--no-timestamp',
          '--format',
          'json',
          ...Object.entries(TARGETS).flatMap(([f, name]) => ['-o', `${f}=${join(dir, name)}`]),
        ],
        { env: { ...process.env, ...ISOLATED_ENV }, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      // A slow consumer: a chunk, then a pause.
      child.stdout.on('data', () => {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 2);
      });
      const poll =
        watch === undefined
          ? undefined
          : setInterval(() => {
              watch(Date.now() - t0);
            }, 2);
      const timer =
        signal === undefined ? undefined : setTimeout(() => child.kill(signal), delayMs);
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve({ code, signal: sig, ms: Date.now() - t0 });
      });
    },
  );
}

beforeAll(async () => {
  // kube-apiserver with 16 flags the profile reads, each 3 MB: every format carries them.
  const big = 'v'.repeat(3 << 20);
  const flags = [
    '--audit-log-path',
    '--kubelet-certificate-authority',
    '--kubelet-client-certificate',
    '--kubelet-client-key',
    '--service-account-key-file',
    '--etcd-certfile',
    '--etcd-keyfile',
    '--tls-cert-file',
    '--tls-private-key-file',
    '--client-ca-file',
    '--etcd-cafile',
    '--experimental-encryption-provider-config',
    '--admission-control-config-file',
    '--audit-policy-file',
    '--basic-auth-file',
    '--token-auth-file',
  ];
  const e = structuredClone(HARDENED);
  const api = e.containers['kube-apiserver'];
  if (api?.status !== 'present') throw new Error('kube-apiserver');
  api.args = [
    ...api.args.filter((a) => !flags.some((f) => a.startsWith(`${f}=`))),
    ...flags.map((f) => `${f}=${big}`),
  ];
  bundle = join(tmp.dir, 'big.json');
  writeFileSync(bundle, JSON.stringify(e));
  // The uninterrupted run: what a whole file is, how long a run takes, when files are written.
  const dir = join(tmp.dir, 'whole');
  mkdirSync(dir);
  let first = -1;
  let last = -1;
  const r = await run(dir, undefined, 0, (t) => {
    if (readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
      if (first < 0) first = t;
      last = t;
    }
  });
  expect(r.code).toBe(1);
  duration = r.ms;
  writeWindow = [Math.max(0, first - 20), (last < 0 ? duration : last) + 20];
  for (const name of Object.values(TARGETS)) {
    const data = readFileSync(join(dir, name));
    expect(data.length).toBeGreaterThan(40 << 20);
    whole.set(name, sha(data));
  }
}, 120_000);

describe('an interrupted run leaves each report absent or whole', () => {
  const kills: [NodeJS.Signals, number][] = [];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as NodeJS.Signals[]) {
    // Stratified over the run, and concentrated on the write window.
    for (let i = 0; i < 5; i++) kills.push([signal, i]);
  }

  it.each(kills)(
    '%s at random time #%i',
    async (signal, i) => {
      const inWindow = i >= 2;
      const [from, to] = inWindow ? writeWindow : [0, duration * 1.1];
      const delay = Math.round(from + Math.random() * (to - from));
      const dir = join(tmp.dir, `${signal}-${i}`);
      mkdirSync(dir);
      const r = await run(dir, signal, delay);
      const label = `${signal} after ${delay} ms (run ${duration} ms, files written ${writeWindow.join('-')} ms): exit ${String(r.code)} ${String(r.signal)}`;
      // Died by the signal, or had finished before it came.
      expect(r.signal === signal || r.code === 1, label).toBe(true);
      for (const name of Object.values(TARGETS)) {
        const path = join(dir, name);
        if (existsSync(path))
          expect(sha(readFileSync(path)), `${label}: ${name} is whole`).toBe(whole.get(name));
      }
      const left = readdirSync(dir).filter((f) => !Object.values(TARGETS).includes(f as never));
      if (signal !== 'SIGKILL') expect(left, `${label}: no temporary file left`).toEqual([]);
      // SIGKILL cannot be caught: it may leave a hidden temporary file, never anything else.
      else for (const f of left) expect(f, label).toMatch(/^\.rkecis-[0-9a-f]{12}\.tmp$/);
    },
    60_000,
  );
});
