import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';
import { skipPg, startPg, type PgServer } from '../store/pg-server.js';
import { expectNoTrace, ISOLATED_ENV, tempDir } from './harness.js';
import { READ_COMMANDS, READ_ONLY_STORES, SAVE_STORES, type HostileStore } from './stores.cases.js';

const tmp = tempDir('stores');
afterAll(tmp.remove);
const BUNDLE = resolve('examples/hardened-node.json');
const root = process.getuid?.() === 0;
let n = 0;

/** The real CLI under a deadline (a store that blocks the open fails the test, not the run). */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...ISOLATED_ENV },
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });
  return { signal: r.signal, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder for one case. */
function folder(): string {
  const d = join(tmp.dir, `case-${n++}`);
  mkdirSync(d);
  return d;
}

/** Everything in a folder, with each file's size and modification time: what must not change. */
function snapshot(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const st = statSync(join(dir, f));
      return `${f} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
    });
}

const withRoot = (list: HostileStore[]): HostileStore[] =>
  list.filter((s) => s.root !== true || root);

describe('read commands open a store without creating anything', () => {
  const cases = withRoot(READ_ONLY_STORES).flatMap((store) =>
    READ_COMMANDS.map((cmd) => [`${cmd.name}: ${store.name}`, store, cmd] as const),
  );
  it.each(cases)(
    '%s',
    (_name, store, cmd) => {
      const d = folder();
      const url = store.make(d);
      const before = snapshot(d);
      const r = cli(cmd.args(url));
      expect(r.signal, r.stderr).toBeNull();
      expectNoTrace(r.stderr);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^rkecis: [^\n]+\n$/);
      expect(r.stderr).toMatch(store.message);
      expect(snapshot(d)).toEqual(before);
    },
    60_000,
  );

  it('history, show and diff of a store leave its folder as they found it', () => {
    const d = folder();
    const db = join(d, 'history.db');
    for (const bundle of [BUNDLE, resolve('examples/insecure-node.json')]) {
      const saved = cli([
        'evaluate',
        bundle,
        '--store',
        db,
        '--output',
        join(tmp.dir, `r${n}.txt`),
      ]);
      expect(saved.code, saved.stderr).toBe(1);
    }
    const ids = (
      JSON.parse(cli(['history', '--store', db, '--format', 'json']).stdout) as { id: string }[]
    ).map((s) => s.id);
    expect(ids).toHaveLength(2);
    const before = snapshot(d);
    const sha = createHash('sha256').update(readFileSync(db)).digest('hex');
    for (const args of [
      ['history', '--store', db],
      ['show', ids[0] ?? '', '--store', db],
      ['diff', ids[0] ?? '', ids[1] ?? '', '--store', db],
    ]) {
      const r = cli(args);
      expect(r.code, `${args[0] ?? ''}: ${r.stderr}`).toBeLessThan(2);
      expect(snapshot(d), `${args[0] ?? ''} changed the store's folder`).toEqual(before);
    }
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(sha);
  });
});

describe('a command that saves checks its store before it prints or writes anything', () => {
  it.each(withRoot(SAVE_STORES).map((s) => [s.name, s] as const))(
    'evaluate --store: %s',
    (_name, store) => {
      const d = folder();
      const out = folder();
      const url = store.make(d);
      const r = cli([
        'evaluate',
        BUNDLE,
        '--store',
        url,
        '--format',
        'json',
        '-o',
        `html=${join(out, 'r.html')}`,
      ]);
      expect(r.signal, r.stderr).toBeNull();
      expectNoTrace(r.stderr);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout, 'nothing printed').toBe('');
      expect(readdirSync(out), 'no file written').toEqual([]);
      expect(r.stderr).toMatch(/^rkecis: [^\n]+\n$/);
      expect(r.stderr).toMatch(store.message);
      expect(r.stderr).not.toMatch(/pa\/ss|ss#word/);
    },
    60_000,
  );

  it('cluster --bundles --save to a store that cannot be opened: nothing printed, no file written', () => {
    const d = folder();
    mkdirSync(join(d, 'bundles'));
    copyFileSync(BUNDLE, join(d, 'bundles', 'node.json'));
    mkdirSync(join(d, 'store.db'));
    const out = folder();
    const r = cli([
      'cluster',
      '--bundles',
      join(d, 'bundles'),
      '--store',
      join(d, 'store.db'),
      '--output',
      join(out, 'cluster.txt'),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
    expect(r.stderr).toMatch(
      /^rkecis: history store .*store\.db: cannot open: a folder, not a regular file\n$/,
    );
  });
});

// Skipped only on explicit request (RKECIS_SKIP_PG=1), as the store suite.
describe.skipIf(skipPg)('a PostgreSQL password with / and #, percent-encoded', () => {
  let server: PgServer | undefined;
  beforeAll(() => {
    server = startPg();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is accepted: the scan is saved and listed (the test server trusts local users)', async () => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    const url = new URL(await server.createDatabase());
    // The URL API percent-encodes a password as a URL must hold it: p%2Fw%23rd.
    url.password = 'p/w#rd';
    expect(url.toString()).toContain(':p%2Fw%23rd@');
    const saved = cli([
      'evaluate',
      BUNDLE,
      '--store',
      url.toString(),
      '--output',
      join(tmp.dir, 'pg.txt'),
    ]);
    expect(saved.code, saved.stderr).toBe(1);
    expect(saved.stderr).toMatch(
      /^rkecis: saved scan \w+ \(node rke-hardened-1\) to postgres:\/\/postgres:\*\*\*@/,
    );
    expect(saved.stderr).not.toContain('p%2Fw%23rd');
    const listed = cli(['history', '--store', url.toString(), '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });
});
