import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { sftpFs } from '../../src/collect/ssh/sftp-fs.js';

/**
 * How a file's content is read over SFTP, against a fake server that answers as OpenSSH's
 * sftp-server does (a READ gives what was asked, or up to the end of the file; at the end, an
 * EOF status): the requests are counted, the bytes compared.
 */
function server(data: Buffer, statSize = data.length) {
  const reads: number[] = [];
  const attrs = { mode: 0o100644, uid: 0, gid: 0, size: statSize, atime: 0, mtime: 7 };
  const fake = {
    open(_p: string, _f: string, cb: (err: unknown, h?: Buffer) => void) {
      cb(undefined, Buffer.from('h'));
    },
    fstat(_h: Buffer, cb: (err: unknown, st?: unknown) => void) {
      cb(undefined, attrs);
    },
    read(
      _h: Buffer,
      buf: Buffer,
      off: number,
      len: number,
      pos: number,
      cb: (err: unknown, n?: number) => void,
    ) {
      reads.push(len);
      if (pos >= data.length) {
        cb(Object.assign(new Error('EOF'), { code: 1 }));
        return;
      }
      const n = data.copy(buf, off, pos, Math.min(pos + len, data.length));
      cb(undefined, n);
    },
    close(_h: Buffer, cb: () => void) {
      cb();
    },
  } as unknown as SFTPWrapper;
  return { fs: sftpFs(fake, 'node1'), reads };
}

const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

describe('reading a file over SFTP', () => {
  it('takes one READ for a small file: a shorter answer than asked is the end', async () => {
    const data = bytes(1500);
    const { fs, reads } = server(data);
    expect((await fs.readFile('/etc/f', 1 << 20)).equals(data)).toBe(true);
    expect(reads).toEqual([1501]);
  });

  it('reads an empty file with one READ', async () => {
    const { fs, reads } = server(Buffer.alloc(0));
    expect((await fs.readFile('/etc/f', 1 << 20)).length).toBe(0);
    expect(reads).toEqual([1]);
  });

  it('reads a larger file whole, in chunks, to the end', async () => {
    for (const size of [32 * 1024 - 1, 32 * 1024, 100_000]) {
      const data = bytes(size);
      const { fs, reads } = server(data);
      expect((await fs.readFile('/etc/f', 1 << 20)).equals(data)).toBe(true);
      expect(reads.length).toBe(Math.floor(size / (32 * 1024)) + 1);
    }
  });

  it('reads what the file holds when it grew after fstat, and refuses more than the cap', async () => {
    const data = bytes(5000);
    const grown = server(data, 100);
    expect((await grown.fs.readFile('/etc/f', 1 << 20)).equals(data)).toBe(true);
    const big = server(bytes(5000), 100);
    await expect(big.fs.readFile('/etc/f', 4096)).rejects.toMatchObject({ code: 'EFBIG' });
  });
});
