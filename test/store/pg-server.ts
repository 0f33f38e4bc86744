import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server for the tests: $RKECIS_TEST_PG_URL when CI gives one (see
 * start-postgres.sh), else a private cluster started here in a temporary folder. Without either
 * the PostgreSQL tests fail: they are skipped only when RKECIS_SKIP_PG=1 says so.
 */
export interface PgServer {
  /** A new, empty database on the server: its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export const skipPg = process.env.RKECIS_SKIP_PG === '1';

function withDatabase(base: string, db: string): string {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
}

function serverFor(adminUrl: string, onStop: () => void): PgServer {
  const made: string[] = [];
  return {
    async createDatabase() {
      const name = `rkecis_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      made.push(name);
      return withDatabase(adminUrl, name);
    },
    async stop() {
      if (process.env.RKECIS_TEST_PG_URL !== undefined) {
        // A shared server: leave it as found.
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        try {
          for (const name of made)
            await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await admin.end();
        }
      }
      onStop();
    },
  };
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const v = versions.at(-1);
  return v === undefined ? undefined : join(root, v, 'bin');
}

function run(cmd: string, args: string[], asPostgres: boolean): void {
  const [file, argv] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
    : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error?.message ?? '?'}):\n${r.stdout}${r.stderr}`,
    );
  }
}

export function startPg(): PgServer {
  const given = process.env.RKECIS_TEST_PG_URL;
  if (given !== undefined && given !== '') return serverFor(given, () => undefined);
  const bin = binDir();
  if (bin === undefined) {
    throw new Error(
      'PostgreSQL tests need a server: set RKECIS_TEST_PG_URL, or install postgresql (apt-get install -y postgresql) so the tests can start one; RKECIS_SKIP_PG=1 skips them',
    );
  }
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-pg-'));
  if (asPostgres) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const data = join(dir, 'data');
  const port = 5432;
  try {
    run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'],
      asPostgres,
    );
    run(
      join(bin, 'pg_ctl'),
      [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-k ${dir} -p ${port} -c listen_addresses='' -c max_connections=200`,
        'start',
      ],
      asPostgres,
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`;
  return serverFor(url, () => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
