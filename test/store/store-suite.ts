import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import {
  bundleBytes,
  decodeScan,
  listScans,
  loadScan,
  saveScan,
  sha256,
} from '../../src/store/history.js';
import { latestVersion, type Migration } from '../../src/store/migrations/types.js';
import { openStore } from '../../src/store/open.js';
import type { HistoryStore } from '../../src/store/store.js';
import { runMain } from '../helpers/run-main.js';
import { NODE_A, NODE_B, PROFILE_DIR, finished, scanOf, spawnWriter } from './helpers.js';

/** What the shared suite needs from an engine. */
export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  latest: number;
  /** A store URL no scan has been saved to (its database may not exist yet). */
  freshUrl(): Promise<string>;
  /** The engine's migrations, and its store opened with a given list of them. */
  migrations: readonly Migration[];
  openWith(url: string, migrations: readonly Migration[]): Promise<HistoryStore>;
  /** Marks the store as migrated by a newer rkecis. */
  setSchemaVersion(url: string, version: number): Promise<void>;
  /** Replaces a stored scan's evidence blob, as a tampered or damaged store would hold it. */
  replaceEvidence(url: string, id: string, gz: Buffer): Promise<void>;
  /** Empties a scan's verdict columns, as a row saved before schema v2 has them. */
  forgetVerdict(url: string, id: string): Promise<void>;
  /** Store URLs that cannot be opened, with what the message must say. */
  unopenable(): Promise<{ url: string; message: RegExp }[]>;
  /** Engine-level health after a crash (SQLite's integrity_check). */
  healthy?(url: string): Promise<void>;
  /** Writers to run at once for the concurrency test, and how many scans each saves. */
  processes: { writers: number; each: number };
  /** In-process writers on separate connections, one scan each. */
  connections: number;
}

async function open(url: string): Promise<HistoryStore> {
  return openStore(url, { create: true });
}

async function within<T>(url: string, fn: (s: HistoryStore) => Promise<T>): Promise<T> {
  const store = await open(url);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

/** The history store suite, run as is against every engine. */
export function storeSuite(engine: EngineUnderTest): void {
  describe(`history store: ${engine.name}`, () => {
    it('migrates a new store to the latest schema, and reopening changes nothing', async () => {
      const url = await engine.freshUrl();
      expect(await within(url, (s) => s.schemaVersion())).toBe(engine.latest);
      expect(await within(url, (s) => s.schemaVersion())).toBe(engine.latest);
      expect(await within(url, (s) => s.list({}))).toEqual([]);
    });

    it('applies the migrations a store lacks, in order, once', async () => {
      const url = await engine.freshUrl();
      const next: Migration = {
        version: engine.latest + 1,
        description: 'a later version',
        statements: [
          'CREATE TABLE rkecis_later (id TEXT PRIMARY KEY)',
          "INSERT INTO rkecis_later (id) VALUES ('x')",
        ],
      };
      const first = await engine.openWith(url, engine.migrations);
      await saveScan(first, scanOf(NODE_A));
      await first.close();
      const upgraded = await engine.openWith(url, [...engine.migrations, next]);
      expect(await upgraded.schemaVersion()).toBe(engine.latest + 1);
      expect(await upgraded.list({})).toHaveLength(1);
      await upgraded.close();
      // Applied once: a second open would fail on the duplicate table or row if it ran again.
      await (await engine.openWith(url, [...engine.migrations, next])).close();
      const old = await rejection(engine.openWith(url, engine.migrations));
      expect(old.message).toContain(
        `(schema v${engine.latest + 1}); this rkecis knows up to v${engine.latest}`,
      );
    });

    it('saves scans of two nodes and lists them oldest first, with counts, pass rate and hash', async () => {
      const url = await engine.freshUrl();
      const a = scanOf(NODE_A);
      const b = scanOf(NODE_B);
      await within(url, async (s) => {
        const ra = await saveScan(s, a);
        const rb = await saveScan(s, b);
        const all = await s.list({});
        expect(all.map((r) => r.id)).toEqual([ra.id, rb.id]);
        expect(all[0]).toEqual(ra);
        expect(all[0]).toMatchObject({
          kind: 'node',
          node: 'node-a',
          cluster: null,
          profile: 'store-test',
          scannedAt: '2026-01-10T08:00:00.000Z',
          counts: { total: 5, pass: 4, fail: 0, error: 0, 'not-applicable': 0, manual: 1 },
          scoredPassRate: 1,
          evidenceSha256: sha256(bundleBytes(a.evidence)),
        });
        expect(all[1]).toMatchObject({
          node: 'node-b',
          counts: { pass: 2, fail: 2 },
          scoredPassRate: 0.5,
        });
        expect((await s.list({ node: 'node-b' })).map((r) => r.id)).toEqual([rb.id]);
        expect((await s.list({ limit: 1 })).map((r) => r.id)).toEqual([rb.id]);
        expect(await s.list({ cluster: 'prod' })).toEqual([]);
      });
    });

    it('gives back a scan whole: report and evidence as saved, by id or unique prefix', async () => {
      const url = await engine.freshUrl();
      const a = scanOf(NODE_A);
      await within(url, async (s) => {
        const rec = await saveScan(s, a);
        const got = await loadScan(s, rec.id);
        expect(got.report).toEqual(a.report);
        expect(got.evidence).toEqual(a.evidence);
        expect(sha256(got.evidenceBytes)).toBe(rec.evidenceSha256);
        expect((await loadScan(s, rec.id.slice(0, 12))).record.id).toBe(rec.id);
        expect((await loadScan(s, rec.id.toUpperCase())).record.id).toBe(rec.id);
      });
    });

    it('names a scan id that does not exist, or is ambiguous, in one clear message', async () => {
      const url = await engine.freshUrl();
      await within(url, async (s) => {
        const one = await saveScan(s, scanOf(NODE_A));
        await saveScan(s, scanOf(NODE_B));
        const missing = await rejection(loadScan(s, 'zzzzzzzzzzzzzzzz'));
        expect(missing).toBeInstanceOf(InputError);
        expect(missing.message).toMatch(/^no scan zzzzzzzzzzzzzzzz in .* \(see rkecis history\)$/);
        const ambiguous = await rejection(loadScan(s, one.id.slice(0, 2)));
        expect(ambiguous.message).toMatch(/ambiguous/);
        expect((await rejection(loadScan(s, 'not-an-id'))).message).toMatch(/is not a scan id/);
      });
    });

    it('refuses a scan whose evidence bundle does not match its recorded SHA-256', async () => {
      const url = await engine.freshUrl();
      const a = scanOf(NODE_A);
      const rec = await within(url, (s) => saveScan(s, a));
      const tampered = { ...a.evidence, files: {} };
      await engine.replaceEvidence(url, rec.id, gzipSync(bundleBytes(tampered)));
      const e = await within(url, async (s) => {
        const row = await s.get(rec.id);
        if (row === undefined) throw new Error('row gone');
        return rejection(Promise.resolve().then(() => decodeScan(row, s.display)));
      });
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toContain(`integrity check failed: the evidence bundle of scan ${rec.id}`);
      expect(e.message).toContain(rec.evidenceSha256);
      await engine.replaceEvidence(url, rec.id, Buffer.from('not gzip'));
      const damaged = await within(url, (s) => rejection(loadScan(s, rec.id)));
      expect(damaged.message).toMatch(/is damaged: cannot decompress/);
    });

    it("records each scan's verdict; a row saved before verdicts were recorded is read from its report", async () => {
      const url = await engine.freshUrl();
      await within(url, async (s) => {
        const a = await saveScan(s, scanOf(NODE_A));
        const b = scanOf(NODE_B);
        const waived = {
          ...b,
          report: {
            ...b.report,
            results: b.report.results.map((r) =>
              r.status === 'fail'
                ? { ...r, waiver: { justification: 'accepted', source: 'w.yaml:4:5' } }
                : r,
            ),
          },
        };
        const w = await saveScan(s, waived);
        const plainB = await saveScan(s, b);
        expect(a).toMatchObject({ compliant: true, waived: 0 });
        expect(w).toMatchObject({ compliant: true, waived: 2 });
        expect(plainB).toMatchObject({ compliant: false, waived: 0 });
        expect(await s.list({})).toEqual([a, w, plainB]);
        await engine.forgetVerdict(url, w.id);
        const old = (await s.list({})).find((r) => r.id === w.id);
        expect(old).toMatchObject({ compliant: null, waived: null });
        expect((await listScans(s, {})).find((r) => r.id === w.id)).toEqual(w);
      });
    });

    it('prunes to the newest N scans of each node', async () => {
      const url = await engine.freshUrl();
      await within(url, async (s) => {
        const a = scanOf(NODE_A);
        const b = scanOf(NODE_B);
        const t0 = Date.parse('2026-02-01T00:00:00Z');
        const saved = [];
        for (let i = 0; i < 4; i++) {
          const day = new Date(t0 + i * 86_400_000).toISOString();
          saved.push(await saveScan(s, { ...a, evidence: { ...a.evidence, collectedAt: day } }));
          saved.push(await saveScan(s, { ...b, evidence: { ...b.evidence, collectedAt: day } }));
        }
        expect(await s.prune(2, { node: 'node-b' })).toBe(2);
        expect(await s.list({ node: 'node-a' })).toHaveLength(4);
        expect(await s.prune(1, {})).toBe(4);
        const left = await s.list({});
        // Scans of the same time are listed by id, which says nothing of their node: sorted here.
        expect(left.map((r) => `${r.node ?? ''} ${r.scannedAt}`).sort()).toEqual([
          'node-a 2026-02-04T00:00:00.000Z',
          'node-b 2026-02-04T00:00:00.000Z',
        ]);
        expect(await s.prune(1, {})).toBe(0);
      });
    });

    it('refuses a store made by a newer rkecis', async () => {
      const url = await engine.freshUrl();
      await within(url, () => Promise.resolve());
      await engine.setSchemaVersion(url, engine.latest + 98);
      const e = await rejection(open(url));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(
        new RegExp(
          `was created by a newer rkecis \\(schema v${engine.latest + 98}\\); this rkecis knows up to v${engine.latest}`,
        ),
      );
      const cli = await runMain(['history', '--store', url]);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(/^rkecis: history store .* was created by a newer rkecis/);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('names a store that cannot be opened in one message, exit 2', async () => {
      for (const { url, message } of await engine.unopenable()) {
        const e = await rejection(openStore(url, { create: false }));
        expect(e, url).toBeInstanceOf(InputError);
        expect(e.message, url).toMatch(message);
        const cli = await runMain(['history', '--store', url]);
        expect(cli.code, url).toBe(2);
        expect(cli.stderr.trim().split('\n'), url).toHaveLength(1);
        expect(cli.stderr, url).not.toMatch(/secret-password/);
      }
    });

    it('keeps every scan whole when a writer is killed (SIGKILL) mid-write', async () => {
      const url = await engine.freshUrl();
      let expected = 0;
      let killedInside = 0;
      for (let round = 0; round < 3; round++) {
        const child = spawnWriter(url, `killed-${round}`, 'forever', 3 * 1024 * 1024);
        let printed = 0;
        let out = '';
        let err = '';
        child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        await new Promise<void>((resolve, reject) => {
          let armed = false;
          child.stdout?.on('data', (d: Buffer) => {
            const text = d.toString();
            out += text;
            printed += (text.match(/^saved /gm) ?? []).length;
            if (
              !armed &&
              printed >= 2 + round &&
              /^writing$/m.test(text.split(/^saved .*$/m).at(-1) ?? '')
            ) {
              armed = true;
              // The next transaction (a few MB) has just begun: kill the writer inside it.
              setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 10));
            }
          });
          child.on('exit', (code, signal) => {
            if (signal === 'SIGKILL') resolve();
            else reject(new Error(`writer exited ${code ?? '?'} before it was killed: ${err}`));
          });
        });
        // Killed after "writing" and before "saved": inside the transaction (or just after its commit).
        if (out.trimEnd().endsWith('writing')) killedInside++;
        const records = await within(url, (s) => s.list({ node: `killed-${round}` }));
        // The kill may land between a commit and its "saved" line: then one more is whole.
        expect(records.length).toBeGreaterThanOrEqual(printed);
        expect(records.length).toBeLessThanOrEqual(printed + 1);
        expected += records.length;
      }
      expect(killedInside).toBeGreaterThan(0);
      await within(url, async (s) => {
        const all = await s.list({});
        expect(all).toHaveLength(expected);
        for (const r of all) {
          const got = await loadScan(s, r.id);
          expect(sha256(got.evidenceBytes)).toBe(r.evidenceSha256);
          expect(got.report.node.name).toBe(r.node);
        }
      });
      await engine.healthy?.(url);
    }, 120_000);

    it(`loses nothing with ${engine.processes.writers} writer processes at once on a new store`, async () => {
      const url = await engine.freshUrl();
      const { writers, each } = engine.processes;
      const ids = (
        await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            finished(spawnWriter(url, `proc-${i}`, each, 1000)),
          ),
        )
      ).flat();
      expect(ids).toHaveLength(writers * each);
      await within(url, async (s) => {
        const all = await s.list({});
        expect(all.map((r) => r.id).sort()).toEqual([...ids].sort());
        for (const r of all) await loadScan(s, r.id);
      });
    }, 120_000);

    it(`loses nothing with ${engine.connections} writers on separate connections at once`, async () => {
      const url = await engine.freshUrl();
      const base = scanOf(NODE_A);
      const stores = await Promise.all(Array.from({ length: engine.connections }, () => open(url)));
      try {
        const records = await Promise.all(
          stores.map((s, i) => {
            const evidence = {
              ...base.evidence,
              node: { name: `fleet-${i}` },
              collectedAt: new Date().toISOString(),
            };
            return saveScan(s, {
              report: { ...base.report, node: { ...base.report.node, name: `fleet-${i}` } },
              evidence,
            });
          }),
        );
        expect(new Set(records.map((r) => r.id)).size).toBe(engine.connections);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      await within(url, async (s) => {
        const all = await s.list({});
        expect(all).toHaveLength(engine.connections);
        expect(new Set(all.map((r) => r.node)).size).toBe(engine.connections);
        for (const r of all) expect((await loadScan(s, r.id)).evidence.node.name).toBe(r.node);
      });
    }, 120_000);

    describe('CLI: save, history, show, diff, prune', () => {
      it('two scans of different nodes: listed, shown, and diffed to exactly the controls that differ', async () => {
        const url = await engine.freshUrl();
        const saveA = await runMain([
          'evaluate',
          NODE_A,
          '--profile',
          PROFILE_DIR,
          '--save',
          '--store',
          url,
          '-f',
          'json',
        ]);
        expect(saveA.stderr).toMatch(/^rkecis: saved scan [0-9a-z]{16} \(node node-a\) to /);
        expect(saveA.code).toBe(0);
        const saveB = await runMain(['evaluate', NODE_B, '--profile', PROFILE_DIR, '--store', url]);
        expect(saveB.code).toBe(1);
        const idA = /saved scan (\w+)/.exec(saveA.stderr)?.[1] ?? '';
        const idB = /saved scan (\w+)/.exec(saveB.stderr)?.[1] ?? '';

        const history = await runMain(['history', '--store', url]);
        expect(history.code).toBe(0);
        const lines = history.stdout.trimEnd().split('\n');
        expect(lines[0]).toMatch(
          /^ID\s+SCANNED \(UTC\)\s+NODE\s+PROFILE\s+TOTAL\s+PASS\s+FAIL\s+ERROR\s+N\/A\s+MANUAL\s+WAIVED\s+SCORED PASS RATE\s+COMPLIANT$/,
        );
        expect(lines[1]).toMatch(
          new RegExp(
            `^${idA}\\s+2026-01-10 08:00:00Z\\s+node-a\\s+store-test\\s+5\\s+4\\s+0\\s+0\\s+0\\s+1\\s+0\\s+100\\.0%\\s+yes$`,
          ),
        );
        expect(lines[2]).toMatch(
          new RegExp(
            `^${idB}\\s+2026-01-11 08:00:00Z\\s+node-b\\s+store-test\\s+5\\s+2\\s+2\\s+0\\s+0\\s+1\\s+0\\s+50\\.0%\\s+no$`,
          ),
        );
        const json = JSON.parse(
          (await runMain(['history', '--store', url, '--node', 'node-b', '-f', 'json'])).stdout,
        ) as { id: string }[];
        expect(json.map((r) => r.id)).toEqual([idB]);

        const shown = await runMain(['show', idB.slice(0, 12), '--store', url, '-f', 'json']);
        expect(shown.code).toBe(1);
        const report = JSON.parse(shown.stdout) as {
          node: { name: string };
          results: { id: string; status: string }[];
        };
        expect(report.node.name).toBe('node-b');
        expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
          '1.1.2',
          '1.1.3',
        ]);
        // The html document carries the node's trend over its stored scans up to this one.
        const saveB2 = await runMain([
          'evaluate',
          NODE_B,
          '--profile',
          PROFILE_DIR,
          '--store',
          url,
        ]);
        const idB2 = /saved scan (\w+)/.exec(saveB2.stderr)?.[1] ?? '';
        const htmlB2 = await runMain(['show', idB2, '--store', url, '-f', 'html']);
        expect(htmlB2.stdout).toContain('<section id="trend">');
        expect(htmlB2.stdout).toContain('over the 2 stored scans of this node');
        expect(htmlB2.stdout.match(/<circle /g)).toHaveLength(2);
        const htmlB1 = await runMain(['show', idB, '--store', url, '-f', 'html']);
        expect(htmlB1.stdout).toContain('over the 1 stored scan of this node');
        expect((await runMain(['show', idB, '--store', url, '-f', 'json'])).stdout).not.toContain(
          'trend',
        );
        const text = await runMain(['show', idA, '--store', url]);
        expect(text.stdout).toContain('Node: node-a');
        const recheck = await runMain([
          'show',
          idA,
          '--store',
          url,
          '--recheck',
          '--profile',
          PROFILE_DIR,
        ]);
        expect(recheck.code).toBe(0);
        expect(recheck.stderr).toMatch(
          /recheck: all 5 verdicts .* follow from its stored evidence/,
        );
        const bundle = await runMain(['show', idA, '--store', url, '--evidence']);
        expect(sha256(bundle.stdout)).toBe(
          (await within(url, (s) => s.list({ node: 'node-a' })))[0]?.evidenceSha256,
        );

        const diff = await runMain(['diff', idA, idB, '--store', url, '-f', 'json']);
        expect(diff.code).toBe(0);
        const d = JSON.parse(diff.stdout) as {
          controls: { id: string; kind: string }[];
          evidence: { subject: string; item: string; change: string }[];
        };
        expect(d.controls.map((c) => [c.id, c.kind])).toEqual([
          ['1.1.2', 'new-failure'],
          ['1.1.3', 'new-failure'],
        ]);
        expect(d.evidence).toEqual([
          expect.objectContaining({
            subject: 'kube-apiserver',
            item: '--profiling',
            change: 'removed',
            from: '--profiling=false',
          }),
          expect.objectContaining({
            subject: '/etc/kubernetes/ssl/kube-ca.pem',
            item: 'mode',
            from: '644',
            to: '666',
          }),
        ]);
        const failOnNew = await runMain(['diff', idA, idB, '--store', url, '--fail-on-new']);
        expect(failOnNew.code).toBe(1);
        expect(failOnNew.stdout).toContain('container kube-apiserver: --profiling=false removed');
        expect((await runMain(['diff', idB, idA, '--store', url, '--fail-on-new'])).code).toBe(0);
        const md = await runMain(['diff', idA, idB, '--store', url, '-f', 'markdown']);
        expect(md.stdout).toContain('| **new failure** | node-b | 1.1.2 |');
      });

      it('show refuses a tampered scan and a missing one, exit 2', async () => {
        const url = await engine.freshUrl();
        const saved = await runMain([
          'evaluate',
          NODE_A,
          '--profile',
          PROFILE_DIR,
          '--save',
          '--store',
          url,
        ]);
        const id = /saved scan (\w+)/.exec(saved.stderr)?.[1] ?? '';
        const missing = await runMain(['show', '0000000000000000', '--store', url]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/^rkecis: no scan 0000000000000000 in .*\n$/);
        await engine.replaceEvidence(
          url,
          id,
          gzipSync(Buffer.from(`{"tampered":${JSON.stringify(randomBytes(4).toString('hex'))}}`)),
        );
        const bad = await runMain(['show', id, '--store', url]);
        expect(bad.code).toBe(2);
        expect(bad.stdout).toBe('');
        expect(bad.stderr).toMatch(
          /^rkecis: integrity check failed: the evidence bundle of scan \w+ .* has SHA-256 [0-9a-f]{64}, but [0-9a-f]{64} was recorded when it was saved\n$/,
        );
      });

      it('history prune --keep N keeps the newest N per node', async () => {
        const url = await engine.freshUrl();
        for (let i = 0; i < 3; i++) {
          await runMain(['evaluate', NODE_A, '--profile', PROFILE_DIR, '--save', '--store', url]);
          await runMain(['evaluate', NODE_B, '--profile', PROFILE_DIR, '--save', '--store', url]);
        }
        const pruned = await runMain(['history', 'prune', '--keep', '1', '--store', url]);
        expect(pruned.stdout).toMatch(/^pruned 4 scans from .*, kept the newest 1 per node\n$/);
        const left = JSON.parse(
          (await runMain(['history', '--store', url, '-f', 'json'])).stdout,
        ) as { node: string }[];
        expect(left.map((r) => r.node).sort()).toEqual(['node-a', 'node-b']);
        expect((await runMain(['history', 'prune', '--keep', 'x', '--store', url])).code).toBe(2);
      });
    });
  });
}

export { latestVersion };
