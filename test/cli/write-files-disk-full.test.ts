import type * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { writeFiles } from '../../src/cli/write-files.js';
import { renderedText } from '../../src/report/formatters/rendered.js';

/**
 * What the disk does to writeFiles: write(2) that writes less than asked, and a disk that
 * fills up halfway through a file. node:fs's writeSync is replaced for the writer only.
 */
const disk = vi.hoisted(() => ({
  /** Bytes write(2) takes at most per call. */
  most: Infinity,
  /** Bytes left on the disk. */
  left: Infinity,
}));
vi.mock('node:fs', async (original) => {
  const real = await original<typeof fs>();
  const writeSync = (fd: number, buf: Uint8Array, off: number, len: number): number => {
    if (disk.left <= 0)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
      });
    const take = Math.min(len, disk.most, disk.left);
    disk.left -= take;
    return real.writeSync(fd, buf, off, take);
  };
  return { ...real, writeSync };
});

const dir = mkdtempSync(join(tmpdir(), 'rkecis-disk-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  disk.most = Infinity;
  disk.left = Infinity;
});

function* pieces(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `line ${i}: ${'ü'.repeat(i % 300)}\n`;
}

describe('writeFiles and the disk', () => {
  it('finishes writes that write(2) cut short', async () => {
    disk.most = 1000;
    const path = join(dir, 'short-writes.txt');
    await writeFiles([{ path, content: pieces(2000) }]);
    expect(readFileSync(path, 'utf8')).toBe(renderedText(pieces(2000)));
  });

  it('a disk that fills up halfway: exit 2 naming the file, and nothing left behind', async () => {
    disk.left = 200_000;
    const attempt = writeFiles([
      { path: join(dir, 'a.txt'), content: pieces(100) },
      { path: join(dir, 'full.txt'), content: pieces(5000) },
    ]);
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      /^cannot write .*full\.txt: no space left on the device$/,
    );
    expect(readdirSync(dir).filter((f) => f !== 'short-writes.txt')).toEqual([]);
  });
});
