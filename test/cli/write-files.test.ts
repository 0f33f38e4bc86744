import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { renderAhead, writeOutputs, writeStdout } from '../../src/cli/output.js';
import { BATCH, writeFiles } from '../../src/cli/write-files.js';
import { renderedText } from '../../src/report/formatters/rendered.js';

/**
 * The writers of report files and stdout, fed by formatters that hand their text over in pieces:
 * the text arrives whole, files are replaced all at once or not at all, and nothing is left
 * behind when a formatter throws halfway or a signal arrives.
 */
const root = mkdtempSync(join(tmpdir(), 'rkecis-write-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
let dir = '';
let n = 0;
beforeEach(() => {
  dir = join(root, `t${n++}`);
  mkdirSync(dir);
});
afterEach(() => {
  vi.restoreAllMocks();
});
const p = (name: string): string => join(dir, name);

/** Pieces of every size, with text that UTF-8 writes as 1 to 4 bytes. */
function* pieces(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `${i} é 😀 ${'x'.repeat(i % 5000)}\n`;
}

function* failingAfter(count: number): Generator<string> {
  yield* pieces(count);
  throw new Error('formatter bug');
}

describe('writeFiles with pieces', () => {
  it('writes every piece, in order, across many writes', async () => {
    await writeFiles([
      { path: p('a.txt'), content: pieces(3000) },
      { path: p('b.txt'), content: 'whole' },
    ]);
    const expected = renderedText(pieces(3000));
    expect(expected.length).toBeGreaterThan(20 * BATCH);
    expect(readFileSync(p('a.txt'), 'utf8')).toBe(expected);
    expect(readFileSync(p('b.txt'), 'utf8')).toBe('whole');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('a formatter that throws halfway leaves no target and no temporary file, and the old files as they were', async () => {
    writeFileSync(p('old.txt'), 'old');
    const attempt = writeFiles([
      { path: p('new.txt'), content: pieces(2000) },
      { path: p('old.txt'), content: failingAfter(2000) },
    ]);
    // The formatter's own error, not a write failure: it is a bug, reported as such.
    await expect(attempt).rejects.toThrow('formatter bug');
    await attempt.catch((e: unknown) => {
      expect(e).not.toBeInstanceOf(InputError);
    });
    expect(readdirSync(dir)).toEqual(['old.txt']);
    expect(readFileSync(p('old.txt'), 'utf8')).toBe('old');
  });

  it('a file that cannot be written is an InputError naming it; none of the others is written', async () => {
    const attempt = writeFiles([
      { path: p('a.txt'), content: pieces(100) },
      { path: p('missing/b.txt'), content: pieces(100) },
    ]);
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      /cannot write .*missing\/b\.txt: no such folder .*missing$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a signal while a file is being written', () => {
  it('ends the process by that signal, leaving no target and no temporary file', async () => {
    const writer = pathToFileURL(join(process.cwd(), 'dist/cli/write-files.js')).href;
    const target = p('report.json');
    // An endless, slowish formatter: the signal always arrives while the file is being written.
    const script = `
      import { writeFiles } from ${JSON.stringify(writer)};
      const pause = new Int32Array(new SharedArrayBuffer(4));
      function* endless() {
        for (;;) { Atomics.wait(pause, 0, 0, 1); yield 'x'.repeat(16384); }
      }
      await writeFiles([{ path: ${JSON.stringify(target)}, content: endless() }]);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const ended = new Promise<NodeJS.Signals | null>((resolve) => {
      child.on('exit', (_code, signal) => {
        resolve(signal);
      });
    });
    // Waits until the temporary file has some of the text, then interrupts.
    for (let i = 0; i < 500; i++) {
      const tmp = readdirSync(dir).find((f) => f.endsWith('.tmp'));
      if (tmp !== undefined && readFileSync(join(dir, tmp)).length > 4 * BATCH) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    child.kill('SIGTERM');
    expect(await ended, stderr).toBe('SIGTERM');
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });
});

/** A reader that takes 1 KiB at a time, after a pause: a pipe to a slow program. */
class SlowReader extends Writable {
  received: Buffer[] = [];
  mostBuffered = 0;
  constructor() {
    super({ highWaterMark: 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.mostBuffered = Math.max(this.mostBuffered, this.writableLength);
    this.received.push(chunk);
    setTimeout(done, 1);
  }
}

describe('writeStdout', () => {
  it('waits for a slow reader instead of buffering the whole text', async () => {
    const reader = new SlowReader();
    await writeStdout(pieces(2000), reader);
    expect(Buffer.concat(reader.received).toString('utf8')).toBe(renderedText(pieces(2000)));
    // Never more than one batch waiting in the stream: written text is not piled up in memory.
    expect(reader.mostBuffered).toBeLessThanOrEqual(4 * BATCH);
    expect(reader.received.length).toBeGreaterThan(5);
  });

  it('a stream that fails is an InputError; a closed one (the reader gone) is left quietly, without hanging', async () => {
    const broken = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EIO'), { code: 'EIO' }));
      },
    });
    broken.on('error', () => undefined);
    await expect(writeStdout(pieces(400), broken)).rejects.toThrow(
      /^cannot write to standard output: input\/output error$/,
    );
    await expect(writeStdout('more', broken)).resolves.toBeUndefined();
  });
});

describe('writeOutputs', () => {
  it('renders stdout ahead: a formatter that throws early leaves no file and prints nothing', async () => {
    const print = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await expect(
      writeOutputs([
        { path: undefined, content: failingAfter(10) },
        { path: p('r.html'), content: pieces(10) },
      ]),
    ).rejects.toThrow('formatter bug');
    expect(readdirSync(dir)).toEqual([]);
    expect(print).not.toHaveBeenCalled();
  });

  it('writes the files, then stdout, each ending with a newline', async () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      // The files are all in place before the first byte is printed.
      expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
      printed += String(s);
      return true;
    });
    await writeOutputs([
      { path: '-', content: ['to ', 'stdout'] },
      { path: p('a.txt'), content: ['no newline'] },
      { path: p('b.txt'), content: ['newline\n', ''] },
    ]);
    expect(printed).toBe('to stdout\n');
    expect(readFileSync(p('a.txt'), 'utf8')).toBe('no newline\n');
    expect(readFileSync(p('b.txt'), 'utf8')).toBe('newline\n');
  });

  it('renderAhead keeps what it rendered, and the rest to come', () => {
    let made = 0;
    function* counted(): Generator<string> {
      for (let i = 0; i < 10; i++) {
        made++;
        yield `${i},`;
      }
    }
    const ahead = renderAhead(counted(), 4);
    expect(made).toBe(2);
    expect(renderedText(ahead)).toBe('0,1,2,3,4,5,6,7,8,9,');
    expect(renderAhead(counted(), 1000)).toBe('0,1,2,3,4,5,6,7,8,9,');
  });
});
