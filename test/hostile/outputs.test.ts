import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStdout } from '../../src/cli/output.js';
import { BIN } from '../helpers/run-cli.js';
import { expectNoTrace, ISOLATED_ENV, tempDir } from './harness.js';
import { OUTPUT_CASES, type OutputRun } from './outputs.cases.js';

const tmp = tempDir('outputs');
afterAll(tmp.remove);
const BUNDLE = resolve('examples/hardened-node.json');
const ARGS = ['evaluate', BUNDLE, '--format', 'json', '--no-timestamp'];
const root = process.getuid?.() === 0;
let report = '';

/** Runs the real CLI; stdout to a pipe, or to a file descriptor. Killed after 30 s. */
function run(args: string[], stdoutFd?: number): Promise<OutputRun & { killed: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...ISOLATED_ENV },
      stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({
        code: code ?? -1,
        killed,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

beforeAll(async () => {
  const base = join(tmp.dir, 'base.json');
  const r = await run([...ARGS, '--output', base]);
  expect(r.code, r.stderr).toBe(1);
  report = readFileSync(base, 'utf8');
  expect(JSON.parse(report)).toHaveProperty('results');
}, 60_000);

describe('what is at an output path decides how it is written', () => {
  it.each(OUTPUT_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s',
    async (_name, c, i) => {
      if (c.root === true && !root) {
        // mknod and lchown need root; CI runs the suite as root, so this never hides a failure there.
        expect.soft(root, 'this case needs root').toBe(false);
        return;
      }
      const dir = join(tmp.dir, `case-${i}`);
      mkdirSync(dir);
      const outputs = c.make(dir);
      const reading =
        c.fifoReader === undefined
          ? undefined
          : pipeline(
              createReadStream(c.fifoReader(dir)),
              createWriteStream(join(dir, 'read-from-pipe')),
            );
      let fd: number | undefined;
      const stdoutFile = c.stdoutFile?.(dir);
      if (stdoutFile !== undefined) {
        writeFileSync(stdoutFile.path, stdoutFile.before);
        fd = openSync(stdoutFile.path, 'a');
      }
      const r = await run([...ARGS, ...outputs], fd);
      if (fd !== undefined) closeSync(fd);
      await reading;
      expect(r.killed, `finished by itself (stderr: ${r.stderr})`).toBe(false);
      expectNoTrace(r.stderr);
      c.check(r, dir, report);
    },
    60_000,
  );
});

describe('stdout to a slow reader', () => {
  it('leaves no listener behind per batch (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    // A reader that takes 1 KiB at a time: every batch fills its buffer and waits for 'drain'.
    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, cb) {
        setImmediate(cb);
      },
    });
    const baseline = ['drain', 'close', 'error'].map((e) => slow.listenerCount(e));
    try {
      await writeStdout(
        (function* pieces() {
          for (let i = 0; i < 40; i++) yield 'x'.repeat(70 * 1024);
        })(),
        slow,
      );
      // Node emits a warning on a later tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(['drain', 'close', 'error'].map((e) => slow.listenerCount(e))).toEqual(baseline);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
