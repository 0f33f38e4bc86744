import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { latestVersion } from '../../src/store/migrations/types.js';
import { storeSuite } from './store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'rkecis-sqlite-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
let n = 0;

const pathOf = (url: string): string => url.replace(/^sqlite:/, '');

function withDb(url: string, fn: (db: Database.Database) => void): void {
  const db = new Database(pathOf(url), { fileMustExist: true });
  try {
    fn(db);
  } finally {
    db.close();
  }
}

storeSuite({
  name: 'sqlite',
  latest: latestVersion(SQLITE_MIGRATIONS),
  migrations: SQLITE_MIGRATIONS,
  openWith: (url, migrations) =>
    openSqliteStore({ path: pathOf(url), display: url, create: true, migrations }),
  // Half the stores are named sqlite:PATH, half by a plain path; all in folders not made yet.
  freshUrl: () => {
    n++;
    const path = join(root, `store-${n}`, 'nested', 'history.db');
    return Promise.resolve(n % 2 === 0 ? `sqlite:${path}` : path);
  },
  setSchemaVersion: (url, version) => {
    withDb(url, (db) => {
      db.prepare(
        'INSERT INTO rkecis_schema (version, applied_at, rkecis_version) VALUES (?, ?, ?)',
      ).run(version, new Date().toISOString(), '99.0.0');
    });
    return Promise.resolve();
  },
  forgetVerdict: (url, id) => {
    withDb(url, (db) => {
      db.prepare('UPDATE rkecis_scans SET compliant = NULL, waived = NULL WHERE id = ?').run(id);
    });
    return Promise.resolve();
  },
  replaceEvidence: (url, id, gz) => {
    withDb(url, (db) => {
      db.prepare('UPDATE rkecis_scans SET evidence_gz = ? WHERE id = ?').run(gz, id);
    });
    return Promise.resolve();
  },
  unopenable: () => {
    const dir = join(root, 'unopenable');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'text.db'),
      'this is not a database, just some text that is long enough to have a header\n'.repeat(10),
    );
    const other = new Database(join(dir, 'other.db'));
    other.exec('CREATE TABLE t (x)');
    other.close();
    return Promise.resolve([
      {
        url: join(dir, 'missing.db'),
        message: /^history store .*missing\.db does not exist \(scans are saved with --save\)$/,
      },
      {
        url: `sqlite:${join(dir, 'text.db')}`,
        message: /^history store sqlite:.*text\.db: cannot open: not an SQLite database$/,
      },
      { url: dir, message: /^history store .*unopenable: cannot open: / },
      {
        url: join(dir, 'other.db'),
        message: /^history store .*other\.db: an SQLite database, but not an rkecis history store$/,
      },
      { url: 'mysql://db.example/x', message: /unsupported store "mysql"/ },
    ]);
  },
  healthy: (url) => {
    withDb(url, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
    return Promise.resolve();
  },
  processes: { writers: 8, each: 3 },
  connections: 20,
});
