import type pg from 'pg';
import type { Client as PgClient } from 'pg';
import { InputError } from '../base/errors.js';
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
import { POSTGRES_MIGRATIONS } from './migrations/postgres.js';
import { assertNotNewer, latestVersion, type Migration } from './migrations/types.js';
import type { HistoryStore, ScanFilter, ScanRecord, ScanRow } from './store.js';

export interface PostgresOpenOptions {
  url: string;
  display: string;
  migrations?: readonly Migration[];
  connectTimeoutMs?: number;
}

/** pg_advisory_xact_lock key that serializes rkecis migrations ("rkecis" as a number). */
const MIGRATION_LOCK = 0x726b65636973;

async function loadDriver(): Promise<typeof pg> {
  try {
    // Loaded only for postgres:// stores.
    return (await import('pg')).default;
  } catch (e) {
    throw new InputError(
      `PostgreSQL history store unavailable: cannot load pg (${(e as Error).message})`,
    );
  }
}

const pgMessage = (e: unknown): string => {
  const err = e as { code?: string; message?: string };
  return err.message !== undefined && err.message !== '' ? err.message : (err.code ?? String(e));
};

async function currentVersion(client: PgClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(
    "SELECT to_regclass('rkecis_schema')::text AS t",
  );
  if (exists.rows[0]?.t === null || exists.rows[0]?.t === undefined) return 0;
  const res = await client.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM rkecis_schema',
  );
  return res.rows[0]?.v ?? 0;
}

async function migrate(
  client: PgClient,
  display: string,
  migrations: readonly Migration[],
): Promise<void> {
  const seen = await currentVersion(client);
  assertNotNewer(seen, migrations, display);
  if (seen === latestVersion(migrations)) return;
  await client.query('BEGIN');
  try {
    // Fleet nodes may all open a fresh database at once: one migrates, the others wait and see.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS rkecis_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL, rkecis_version text NOT NULL)',
    );
    const now = await currentVersion(client);
    assertNotNewer(now, migrations, display);
    for (const m of migrations) {
      if (m.version <= now) continue;
      for (const sql of m.statements) await client.query(sql);
      await client.query(
        'INSERT INTO rkecis_schema (version, applied_at, rkecis_version) VALUES ($1, now(), $2)',
        [m.version, VERSION],
      );
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Opens (and migrates) a PostgreSQL history store over one connection. */
export async function openPostgresStore(opts: PostgresOpenOptions): Promise<HistoryStore> {
  const { display } = opts;
  const pg = await loadDriver();
  let client: PgClient;
  try {
    client = new pg.Client({
      connectionString: opts.url,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 15_000,
      application_name: 'rkecis',
    });
  } catch (e) {
    // pg parses the URL with WHATWG URL rules: a password holding / # ? @ or : cuts it short.
    throw new InputError(
      `cannot open history store ${display}: not a valid URL (${pgMessage(e)}); ` +
        'percent-encode the user name and password: / as %2F, # as %23, ? as %3F, @ as %40, : as %3A, % as %25 ' +
        '(encodeURIComponent does it), or give the password in PGPASSWORD or ~/.pgpass',
    );
  }
  // A connection dropped while idle is reported on the next query; this keeps it from crashing Node.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new InputError(`cannot open history store ${display}: ${pgMessage(e)}`);
  }
  try {
    await migrate(client, display, opts.migrations ?? POSTGRES_MIGRATIONS);
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof InputError) throw e;
    throw new InputError(`history store ${display}: cannot migrate: ${pgMessage(e)}`);
  }
  return new PostgresStore(client, display);
}

const placeholders = (sql: string): string =>
  sql
    .replaceAll('$node', '$1::text')
    .replaceAll('$cluster', '$2::text')
    .replaceAll('$keep', '$3::integer');

class PostgresStore implements HistoryStore {
  readonly engine = 'postgres';
  constructor(
    private readonly client: PgClient,
    readonly display: string,
  ) {}

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`history store ${this.display}: cannot ${what}: ${pgMessage(e)}`);
    }
  }

  private async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const out = await fn();
      await this.client.query('COMMIT');
      return out;
    } catch (e) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  insert(row: ScanRow): Promise<void> {
    const sql = `INSERT INTO rkecis_scans (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    return this.run('save the scan', () =>
      this.transaction(async () => {
        await this.client.query(sql, insertValues(row));
      }),
    );
  }

  list(filter: ScanFilter): Promise<ScanRecord[]> {
    const where = '($1::text IS NULL OR node = $1) AND ($2::text IS NULL OR cluster = $2)';
    const cols = RECORD_COLUMNS.join(', ');
    const sql =
      filter.limit === undefined
        ? `SELECT ${cols} FROM rkecis_scans WHERE ${where} ORDER BY scanned_at, id`
        : `SELECT * FROM (SELECT ${cols} FROM rkecis_scans WHERE ${where} ORDER BY scanned_at DESC, id DESC LIMIT $3) newest ORDER BY scanned_at, id`;
    const params: unknown[] = [filter.node ?? null, filter.cluster ?? null];
    if (filter.limit !== undefined) params.push(filter.limit);
    return this.run('list scans', async () =>
      (await this.client.query<DbRow>(sql, params)).rows.map(recordFromDb),
    );
  }

  idsWithPrefix(prefix: string, max: number): Promise<string[]> {
    return this.run('find the scan', async () =>
      (
        await this.client.query<{ id: string }>(
          'SELECT id FROM rkecis_scans WHERE left(id, $1) = $2 ORDER BY id LIMIT $3',
          [prefix.length, prefix, max],
        )
      ).rows.map((r) => r.id),
    );
  }

  get(id: string): Promise<ScanRow | undefined> {
    return this.run('read the scan', async () => {
      const res = await this.client.query<DbRow>('SELECT * FROM rkecis_scans WHERE id = $1', [id]);
      const row = res.rows[0];
      return row === undefined ? undefined : rowFromDb(row);
    });
  }

  prune(keep: number, filter: Omit<ScanFilter, 'limit'>): Promise<number> {
    return this.run('prune', () =>
      this.transaction(async () => {
        const res = await this.client.query(
          `DELETE FROM rkecis_scans WHERE id IN (${placeholders(PRUNE_SELECT)})`,
          [filter.node ?? null, filter.cluster ?? null, keep],
        );
        return res.rowCount ?? 0;
      }),
    );
  }

  schemaVersion(): Promise<number> {
    return this.run('read the schema version', () => currentVersion(this.client));
  }

  close(): Promise<void> {
    return this.client.end().catch(() => undefined);
  }
}
