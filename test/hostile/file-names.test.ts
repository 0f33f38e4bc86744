import { chmodSync, chownSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileNameOf } from '../../src/collect/file-name.js';
import { collectFiles } from '../../src/collect/host-files.js';
import { sftpFs } from '../../src/collect/ssh/sftp-fs.js';
import type { NodeReport } from '../../src/report/types.js';
import { fakeDocker } from '../fakes/docker.js';
import { plantRoot } from '../integration/plant-node.js';
import { FILE_NAME_CASES } from './file-names.cases.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { expectNoTrace, expectStatuses, runMain, tempDir } from './harness.js';

const tmp = tempDir('file-names');
let docker: Awaited<ReturnType<typeof fakeDocker>>;
const roots: string[] = [];
beforeAll(async () => {
  docker = await fakeDocker(hardenedRoutes());
});
afterAll(async () => {
  await docker.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  tmp.remove();
});

const CNI = 'etc/cni/net.d';

describe('CNI entries whose names are not UTF-8: rkecis scan, and collect then evaluate', () => {
  it.each(FILE_NAME_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s',
    async (_name, c, i) => {
      const root = plantRoot(HARDENED);
      roots.push(root);
      for (const f of c.files) {
        const path = Buffer.concat([Buffer.from(join(root, CNI, '/')), f.bytes]);
        writeFileSync(path, '{}');
        chmodSync(path, f.mode);
        if (f.uid !== undefined) chownSync(path, f.uid, f.uid);
      }
      const args = ['--docker-host', docker.url, '--root', root, '--timeout', '5'];
      const scan = await runMain(['scan', ...args, '--format', 'json']);
      expectNoTrace(scan.stderr);
      expectStatuses(JSON.parse(scan.stdout) as NodeReport, c.controls, `scan: ${c.name}`);

      const bundle = join(tmp.dir, `bundle-${i}.json`);
      expect((await runMain(['collect', ...args, '--output', bundle])).code).toBe(0);
      const entries = (
        JSON.parse(readFileSync(bundle, 'utf8')) as {
          files: Record<string, { entries?: Record<string, unknown> }>;
        }
      ).files['/etc/cni/net.d']?.entries;
      if (c.key !== undefined) {
        expect(Object.keys(entries ?? {}), 'keyed by its bytes written out').toContain(c.key);
      }
      const later = await runMain(['evaluate', bundle, '--format', 'json']);
      expectStatuses(JSON.parse(later.stdout) as NodeReport, c.controls, `evaluate: ${c.name}`);
    },
    60_000,
  );
});

describe('fileNameOf', () => {
  it.each([
    [Buffer.from('10-calico.conflist'), '10-calico.conflist'],
    [Buffer.from('réseau-ü-€-𝄞'), 'réseau-ü-€-𝄞'],
    [Buffer.from([0x61, 0xff, 0x62]), 'a\\xFFb'],
    [Buffer.from([0xc3]), '\\xC3'],
    [Buffer.from([0xc3, 0x28]), '\\xC3('],
    [Buffer.from([0xe0, 0x80, 0x80]), '\\xE0\\x80\\x80'],
    [Buffer.from([0xf4, 0x90, 0x80, 0x80]), '\\xF4\\x90\\x80\\x80'],
    [Buffer.from([0xf0, 0x9f, 0x98, 0x80]), '😀'],
  ])('%j reads as %s', (bytes, name) => {
    expect(fileNameOf(bytes)).toBe(name);
  });
  it('gives valid UTF-8 back unchanged, whatever it is', () => {
    for (let cp = 0; cp < 0x11000; cp += 7) {
      if (cp >= 0xd800 && cp < 0xe000) continue;
      const s = `x${String.fromCodePoint(cp)}y`;
      expect(fileNameOf(Buffer.from(s))).toBe(s);
    }
  });
});

describe('over SFTP, a name the client decodes to U+FFFD', () => {
  it('is an error entry, not a missing one', async () => {
    // ssh2 decodes a NAME's bytes as UTF-8: the decoded name then names no file (lstat: NO_SUCH_FILE).
    const dirAttrs = { mode: 0o40755, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
    let listed = false;
    const fake = {
      lstat(path: string, cb: (err: unknown, st?: unknown) => void) {
        if (path === '/etc/cni/net.d' || path === '/etc' || path === '/etc/cni')
          cb(undefined, dirAttrs);
        else if (path === '/etc/cni/net.d/ok.conf') cb(undefined, { ...dirAttrs, mode: 0o100644 });
        else cb(Object.assign(new Error('No such file'), { code: 2 }));
      },
      opendir(_path: string, cb: (err: unknown, handle?: Buffer) => void) {
        cb(undefined, Buffer.from('dir'));
      },
      // One batch of names, then end of file (SFTP's status 1).
      readdir(_handle: Buffer, cb: (err: unknown, list?: unknown) => void) {
        if (listed) cb(Object.assign(new Error('End of file'), { code: 1 }));
        else cb(undefined, [{ filename: 'ok.conf' }, { filename: 'caf\uFFFD.conf' }]);
        listed = true;
      },
      close(_handle: Buffer, cb: () => void) {
        cb();
      },
      readlink(_p: string, cb: (err: unknown) => void) {
        cb(new Error('not a link'));
      },
    } as unknown as SFTPWrapper;
    const files = await collectFiles(sftpFs(fake, 'node1'), [
      { path: '/etc/cni/net.d', entries: true, content: false },
    ]);
    const dir = files['/etc/cni/net.d'];
    expect(dir?.status).toBe('present');
    const entries = dir?.status === 'present' ? (dir.entries ?? {}) : {};
    expect(entries['ok.conf']).toMatchObject({ status: 'present', mode: '644' });
    expect(entries['caf\uFFFD.conf']).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/listed in its folder but could not be examined/) as unknown,
    });
  });
});
