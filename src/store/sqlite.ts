import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { InputError } from '../base/errors.js';
import { fileKind } from '../base/input-file.js';
import { VERSION } from '../base/version.js';
import {
  INSERT_COLUMNS,
  PRUNE_SELECT,
  RECORD_COLUMNS,
  insertValues,
  recordFromDb,
  rowFromDb,
  type DbRow,
} from './columns.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { assertNotNewer, latestVersion, type Migration } from './migrations/types.js';
import type { HistoryStore, ScanFilter, ScanRecord, ScanRow } from './store.js';

/** How long a writer waits for another to finish before giving up (SQLite's busy timeout). */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

export interface SqliteOpenOptions {
  path: string;
  display: string;
  /** Create the file (and its folder) when it does not exist; otherwise that is an error. */
  create: boolean;
  /** Only read (history, show, diff): nothing is created, set up or migrated; never with `create`. */
  readOnly?: boolean;
  migrations?: readonly Migration[];
}

type Database = BetterSqlite3.Database;

function sqliteMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'SQLITE_NOTADB') return 'not an SQLite database';
  if (err.code === 'SQLITE_BUSY')
    return `database is locked by another writer (waited ${SQLITE_BUSY_TIMEOUT_MS / 1000} s)`;
  return err.message ?? String(e);
}

/** Runs a database call; a driver error becomes one message that names the store. */
function guard<T>(display: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`history store ${display}: cannot ${what}: ${sqliteMessage(e)}`);
  }
}

async function loadDriver(): Promise<typeof BetterSqlite3> {
  try {
    // Loaded only when an SQLite store is used: it is a native module and costs start-up time.
    return (await import('better-sqlite3')).default;
  } catch (e) {
    throw new InputError(
      `SQLite history store unavailable: cannot load better-sqlite3 (${(e as Error).message})`,
    );
  }
}

function currentVersion(db: Database, display: string): number {
  const tables = new Set(
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name),
  );
  if (!tables.has('rkecis_schema')) {
    if (tables.size > 0)
      throw new InputError(
        `history store ${display}: an SQLite database, but not an rkecis history store`,
      );
    return 0;
  }
  const row = db.prepare('SELECT MAX(version) AS v FROM rkecis_schema').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}

function migrate(db: Database, display: string, migrations: readonly Migration[]): void {
  const seen = currentVersion(db, display);
  assertNotNewer(seen, migrations, display);
  if (seen === latestVersion(migrations)) return;
  // IMMEDIATE takes the write lock first, so concurrent first users migrate one after another.
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS rkecis_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, rkecis_version TEXT NOT NULL) STRICT',
    );
    const now = currentVersion(db, display);
    assertNotNewer(now, migrations, display);
    const add = db.prepare(
      'INSERT INTO rkecis_schema (version, applied_at, rkecis_version) VALUES (?, ?, ?)',
    );
    for (const m of migrations) {
      if (m.version <= now) continue;
      for (const sql of m.statements) db.exec(sql);
      add.run(m.version, new Date().toISOString(), VERSION);
    }
  }).immediate();
}

/**
 * The store's path, before the driver opens it: a regular file, or nothing yet when it may be
 * created. A device, FIFO or folder is refused here: SQLite would read /dev/zero as an empty
 * database and create /dev/zero-journal beside it.
 */
function checkPath(path: string, display: string, create: boolean): void {
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new InputError(`history store ${display}: cannot open: ${sqliteMessage(e)}`);
  }
  if (st === undefined) {
    if (create) return;
    throw new InputError(`history store ${display} does not exist (scans are saved with --save)`);
  }
  if (!st.isFile())
    throw new InputError(
      `history store ${display}: cannot open: ${fileKind(st)}, not a regular file`,
    );
}

/**
 * Opens (and migrates) an SQLite history store: WAL mode, a busy timeout, full sync on commit.
 * Nothing is set or written before the file is known to be a store (or, when saving, a new
 * one). Only to read (history, show, diff), a store is neither set up nor migrated, unless its
 * schema is older than this rkecis reads. It is still opened for writing when it may be written
 * (SQLite falls back to read-only when not): a connection that may write removes, when it closes
 * last, the -wal and -shm files a WAL database needs while open; a read-only one would leave
 * them behind.
 */
export async function openSqliteStore(opts: SqliteOpenOptions): Promise<HistoryStore> {
  const { path, display } = opts;
  const readOnly = opts.readOnly === true;
  checkPath(path, display, opts.create);
  const Driver = await loadDriver();
  if (opts.create) {
    guard(display, 'create its folder', () =>
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 }),
    );
  }
  const migrations = opts.migrations ?? SQLITE_MIGRATIONS;
  const db = guard(
    display,
    'open',
    () =>
      new Driver(path, {
        timeout: SQLITE_BUSY_TIMEOUT_MS,
        fileMustExist: !opts.create,
      }),
  );
  try {
    // Looked at before anything is set or written: another program's database, or an empty
    // file where a store should already be, is refused as it is found.
    const seen = guard(display, 'open', () => currentVersion(db, display));
    assertNotNewer(seen, migrations, display);
    if (seen === 0 && !opts.create) {
      throw new InputError(
        `history store ${display}: an empty database, no scan saved in it (scans are saved with --save)`,
      );
    }
    if (readOnly && seen === latestVersion(migrations)) return new SqliteStore(db, display);
    guard(display, 'open', () => {
      // WAL: readers never block the writer and a writer killed mid-transaction leaves the
      // last committed state; FULL makes each committed scan durable, not just consistent.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    });
    guard(display, 'migrate', () => {
      migrate(db, display, migrations);
    });
  } catch (e) {
    if (db.open) db.close();
    throw e;
  }
  return new SqliteStore(db, display);
}

class SqliteStore implements HistoryStore {
  readonly engine = 'sqlite';
  constructor(
    private readonly db: Database,
    readonly display: string,
  ) {}

  private run<T>(what: string, fn: () => T): Promise<T> {
    return Promise.resolve().then(() => guard(this.display, what, fn));
  }

  insert(row: ScanRow): Promise<void> {
    return this.run('save the scan', () => {
      const sql = `INSERT INTO rkecis_scans (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;
      const stmt = this.db.prepare(sql);
      this.db.transaction(() => stmt.run(...insertValues(row))).immediate();
    });
  }

  list(filter: ScanFilter): Promise<ScanRecord[]> {
    return this.run('list scans', () => {
      const where = '($node IS NULL OR node = $node) AND ($cluster IS NULL OR cluster = $cluster)';
      const cols = RECORD_COLUMNS.join(', ');
      const sql =
        filter.limit === undefined
          ? `SELECT ${cols} FROM rkecis_scans WHERE ${where} ORDER BY scanned_at, id`
          : `SELECT * FROM (SELECT ${cols} FROM rkecis_scans WHERE ${where} ORDER BY scanned_at DESC, id DESC LIMIT $limit) ORDER BY scanned_at, id`;
      const rows = this.db.prepare(sql).all({
        node: filter.node ?? null,
        cluster: filter.cluster ?? null,
        ...(filter.limit === undefined ? {} : { limit: filter.limit }),
      }) as DbRow[];
      return rows.map(recordFromDb);
    });
  }

  idsWithPrefix(prefix: string, max: number): Promise<string[]> {
    return this.run('find the scan', () =>
      (
        this.db
          .prepare('SELECT id FROM rkecis_scans WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?')
          .all(prefix.length, prefix, max) as { id: string }[]
      ).map((r) => r.id),
    );
  }

  get(id: string): Promise<ScanRow | undefined> {
    return this.run('read the scan', () => {
      const row = this.db.prepare('SELECT * FROM rkecis_scans WHERE id = ?').get(id) as
        DbRow | undefined;
      return row === undefined ? undefined : rowFromDb(row);
    });
  }

  prune(keep: number, filter: Omit<ScanFilter, 'limit'>): Promise<number> {
    return this.run('prune', () =>
      this.db
        .transaction(() => {
          const res = this.db
            .prepare(`DELETE FROM rkecis_scans WHERE id IN (${PRUNE_SELECT})`)
            .run({ keep, node: filter.node ?? null, cluster: filter.cluster ?? null });
          return res.changes;
        })
        .immediate(),
    );
  }

  schemaVersion(): Promise<number> {
    return this.run('read the schema version', () => currentVersion(this.db, this.display));
  }

  close(): Promise<void> {
    return this.run('close', () => {
      this.db.close();
    });
  }
}
