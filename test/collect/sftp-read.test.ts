import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { sftpFs } from '../../src/collect/ssh/sftp-fs.js';
import { rounds } from './rounds.js';

/** ssh2's READ size when the server states no limit of its own. */
const SSH2_READ_LIMIT = 31_952;

const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

/**
 * How a file's content is read over SFTP, against a fake server that answers as OpenSSH's
 * sftp-server does (a READ gives what was asked, or up to the end of the file; at the end, an
 * EOF status), each answer in the next round (test/collect/rounds.ts): the rounds a read takes
 * are the round trips it waits for over SSH. The requests are counted, the bytes compared.
 * `statSize` is the size the attributes give (default the data's); `grow` makes the file longer
 * than its attributes say by the time it is read.
 */
function server(
  data: Buffer,
  opts: {
    names?: string[];
    statSize?: number;
    grow?: number;
    mtime?: number;
    failReaddir?: boolean;
  } = {},
) {
  const r = rounds();
  const sent: string[] = [];
  const reads: number[] = [];
  const size = opts.statSize ?? data.length;
  const attrs = { mode: 0o100644, uid: 0, gid: 0, size, atime: 0, mtime: 7 };
  const content = opts.grow !== undefined ? Buffer.concat([data, bytes(opts.grow)]) : data;
  const names = opts.names ?? [];
  let listed = 0;
  let closed = false;
  const answer = (what: string, fn: () => void): void => {
    sent.push(what);
    void r.later(fn);
  };
  const fake = {
    open(_p: string, _f: string, cb: (err: unknown, h?: Buffer) => void) {
      answer('OPEN', () => {
        cb(undefined, Buffer.from('h'));
      });
    },
    fstat(_h: Buffer, cb: (err: unknown, st?: unknown) => void) {
      answer('FSTAT', () => {
        cb(undefined, { ...attrs, mtime: opts.mtime ?? attrs.mtime });
      });
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
      // As ssh2 does: a READ longer than the server's limit is sent in parts, each part after
      // the answer to the one before; a READ answered after the handle's CLOSE fails.
      const part = (at: number, left: number, got: number): void => {
        answer('READ', () => {
          if (closed) {
            cb(Object.assign(new Error('Failure'), { code: 4 }));
            return;
          }
          if (at >= content.length) {
            if (got > 0) cb(undefined, got);
            else cb(Object.assign(new Error('EOF'), { code: 1 }));
            return;
          }
          const ask = Math.min(left, SSH2_READ_LIMIT);
          const n = content.copy(buf, off + got, at, Math.min(at + ask, content.length));
          if (n === ask && left > ask) part(at + n, left - n, got + n);
          else cb(undefined, got + n);
        });
      };
      part(pos, len, 0);
    },
    close(_h: Buffer, cb: () => void) {
      answer('CLOSE', () => {
        closed = true;
        cb();
      });
    },
    opendir(_p: string, cb: (err: unknown, h?: Buffer) => void) {
      answer('OPENDIR', () => {
        cb(undefined, Buffer.from('d'));
      });
    },
    // OpenSSH's sftp-server answers at most 100 names a READDIR, then end of file.
    readdir(_h: Buffer, cb: (err: unknown, list?: unknown) => void) {
      answer('READDIR', () => {
        if (opts.failReaddir === true) {
          cb(Object.assign(new Error('Permission denied'), { code: 3 }));
          return;
        }
        const batch = names.slice(listed, listed + 100);
        listed += batch.length;
        if (batch.length === 0) cb(Object.assign(new Error('EOF'), { code: 1 }));
        else
          cb(
            undefined,
            batch.map((filename) => ({ filename })),
          );
      });
    },
  } as unknown as SFTPWrapper;
  const described = {
    type: 'file' as const,
    perm: 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: 7,
  };
  return { fs: sftpFs(fake, 'node1'), r, sent, reads, described };
}

describe('reading a file over SFTP', () => {
  it('takes one READ for a small file: a shorter answer than asked is the end', async () => {
    const data = bytes(1500);
    const { fs, r, reads } = server(data);
    expect((await r.run(fs.readFile('/etc/f', 1 << 20))).value.equals(data)).toBe(true);
    expect(reads).toEqual([1501]);
  });

  it('reads an empty file with one READ', async () => {
    const { fs, r, reads } = server(Buffer.alloc(0));
    expect((await r.run(fs.readFile('/etc/f', 1 << 20))).value.length).toBe(0);
    expect(reads).toEqual([1]);
  });

  it('reads a larger file whole, in chunks, to the end', async () => {
    for (const size of [32 * 1024 - 1, 32 * 1024, 100_000]) {
      const data = bytes(size);
      const { fs, r, reads } = server(data);
      expect((await r.run(fs.readFile('/etc/f', 1 << 20))).value.equals(data)).toBe(true);
      expect(reads.length).toBe(Math.floor(size / (32 * 1024)) + 1);
    }
  });

  it('reads what the file holds when it grew after fstat, and refuses more than the cap', async () => {
    const data = bytes(5000);
    const grown = server(data, { statSize: 100 });
    expect((await grown.r.run(grown.fs.readFile('/etc/f', 1 << 20))).value.equals(data)).toBe(true);
    const big = server(bytes(5000), { statSize: 100 });
    await expect(big.r.run(big.fs.readFile('/etc/f', 4096))).rejects.toMatchObject({
      code: 'EFBIG',
    });
  });
});

describe('reading over SFTP, in round trips', () => {
  it('reads a file lstat described in 2: the OPEN, then its FSTAT, READ and CLOSE together', async () => {
    const data = bytes(1500);
    const { fs, r, sent, described } = server(data);
    const { value, rounds: n } = await r.run(fs.readFile('/etc/f', 1 << 20, described));
    expect(value.equals(data)).toBe(true);
    expect(n).toBe(2);
    expect(sent).toEqual(['OPEN', 'FSTAT', 'READ', 'CLOSE']);
  });

  it('reads an empty file lstat described in 2 as well', async () => {
    const { fs, r, described } = server(Buffer.alloc(0));
    const { value, rounds: n } = await r.run(fs.readFile('/etc/f', 1 << 20, described));
    expect(value.length).toBe(0);
    expect(n).toBe(2);
  });

  it('still takes 4 for a file nothing described (its size is learnt from FSTAT)', async () => {
    const { fs, r, sent } = server(bytes(10));
    const { rounds: n } = await r.run(fs.readFile('/etc/f', 1 << 20));
    expect(n).toBe(4);
    expect(sent).toEqual(['OPEN', 'FSTAT', 'READ', 'CLOSE']);
  });

  it('reads a file longer than one READ answers one READ at a time, the CLOSE last', async () => {
    // ssh2 splits a READ over the server's limit (31,952 bytes at least) into READs sent after
    // each answer: sent with the CLOSE, the later ones would find the handle closed.
    const data = bytes(40_000);
    const { fs, r, sent, described } = server(data);
    const { value } = await r.run(fs.readFile('/etc/f', 1 << 20, described));
    expect(value.equals(data)).toBe(true);
    expect(sent).toEqual(['OPEN', 'FSTAT', 'READ', 'READ', 'READ', 'CLOSE']);
  });

  it('refuses a file that is not the one lstat described, and closes it', async () => {
    const { fs, r, sent, described } = server(bytes(100), { mtime: 8 });
    await expect(r.run(fs.readFile('/etc/f', 1 << 20, described))).rejects.toMatchObject({
      code: 'ECHANGED',
    });
    expect(sent).toContain('CLOSE');
  });

  it('refuses a file that grew between its FSTAT and its READ', async () => {
    const { fs, r, described } = server(bytes(100), { grow: 5 });
    await expect(r.run(fs.readFile('/etc/f', 1 << 20, described))).rejects.toMatchObject({
      code: 'ECHANGED',
    });
  });

  it('lists a small folder in 2: the OPENDIR, then two READDIRs together', async () => {
    const names = ['10-canal.conflist', 'calico-kubeconfig'];
    const { fs, r, sent } = server(Buffer.alloc(0), { names: ['.', '..', ...names] });
    const { value, rounds: n } = await r.run(fs.readdir('/etc/cni/net.d'));
    expect(value.map((b) => b.toString('utf8'))).toEqual(names);
    expect(n).toBe(2);
    expect(sent).toEqual(['OPENDIR', 'READDIR', 'READDIR', 'CLOSE']);
  });

  it('fails a listing whose READDIR fails, with the second still in flight, and closes it', async () => {
    const { fs, r, sent } = server(Buffer.alloc(0), { names: ['a'], failReaddir: true });
    await expect(r.run(fs.readdir('/etc/cni/net.d'))).rejects.toMatchObject({ code: 'EACCES' });
    expect(sent).toEqual(['OPENDIR', 'READDIR', 'READDIR', 'CLOSE']);
  });

  it('lists a folder of 250 names whole, a READDIR at a time after the first two', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `lease-${i}`);
    const { fs, r, sent } = server(Buffer.alloc(0), { names });
    const { value, rounds: n } = await r.run(fs.readdir('/var/lib/cni/networks'));
    expect(value.map((b) => b.toString('utf8'))).toEqual(names);
    // OPENDIR; READDIR x2 (200 names); READDIR (50); READDIR (end of file).
    expect(n).toBe(4);
    expect(sent.filter((s) => s === 'READDIR').length).toBe(4);
    expect(sent.at(-1)).toBe('CLOSE');
  });
});
