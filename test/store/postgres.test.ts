import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres.js';
import { latestVersion } from '../../src/store/migrations/types.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { skipPg, startPg, type PgServer } from './pg-server.js';
import { storeSuite } from './store-suite.js';

let server: PgServer | undefined;

async function query(url: string, sql: string, params: unknown[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql, params);
  } finally {
    await c.end();
  }
}

const running = (): PgServer => {
  if (server === undefined) throw new Error('PostgreSQL did not start');
  return server;
};

// Skipped only on explicit request: a missing server fails the suite (see pg-server.ts).
describe.skipIf(skipPg)('PostgreSQL', () => {
  beforeAll(() => {
    server = startPg();
  });
  afterAll(async () => {
    await server?.stop();
  });

  storeSuite({
    name: 'postgres',
    latest: latestVersion(POSTGRES_MIGRATIONS),
    migrations: POSTGRES_MIGRATIONS,
    openWith: (url, migrations) => openPostgresStore({ url, display: url, migrations }),
    freshUrl: () => running().createDatabase(),
    setSchemaVersion: (url, version) =>
      query(
        url,
        'INSERT INTO rkecis_schema (version, applied_at, rkecis_version) VALUES ($1, now(), $2)',
        [version, '99.0.0'],
      ),
    forgetVerdict: (url, id) =>
      query(url, 'UPDATE rkecis_scans SET compliant = NULL, waived = NULL WHERE id = $1', [id]),
    replaceEvidence: (url, id, gz) =>
      query(url, 'UPDATE rkecis_scans SET evidence_gz = $1 WHERE id = $2', [gz, id]),
    unopenable: async () => {
      const url = new URL(await running().createDatabase());
      url.pathname = '/no_such_database';
      return [
        {
          url: url.toString(),
          message:
            /^cannot open history store postgres:.*: database "no_such_database" does not exist$/,
        },
        {
          url: 'postgres://rkecis:secret-password@localhost:5432/x?host=/nonexistent-socket-dir',
          message:
            /^cannot open history store postgres:\/\/rkecis:\*\*\*@localhost:5432\/x\?host=\/nonexistent-socket-dir: .*ENOENT/,
        },
      ];
    },
    processes: { writers: 10, each: 5 },
    connections: 50,
  });
});
