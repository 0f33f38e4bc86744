import type { Migration } from './types.js';

/** PostgreSQL schema, by version; the same table as SQLite's with native types. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'scans table',
    statements: [
      `CREATE TABLE rkecis_scans (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('node', 'cluster')),
        cluster text,
        node text,
        scanned_at timestamptz NOT NULL,
        saved_at timestamptz NOT NULL,
        profile text NOT NULL,
        benchmark text NOT NULL,
        rkecis_version text NOT NULL,
        total integer NOT NULL,
        pass integer NOT NULL,
        fail integer NOT NULL,
        error integer NOT NULL,
        not_applicable integer NOT NULL,
        manual integer NOT NULL,
        scored_pass_rate double precision,
        report_gz bytea NOT NULL,
        report_sha256 text NOT NULL,
        evidence_gz bytea NOT NULL,
        evidence_sha256 text NOT NULL,
        CHECK (kind = 'cluster' OR node IS NOT NULL),
        CHECK (kind = 'node' OR cluster IS NOT NULL)
      )`,
      'CREATE INDEX rkecis_scans_node ON rkecis_scans (node, scanned_at)',
      'CREATE INDEX rkecis_scans_cluster ON rkecis_scans (cluster, scanned_at)',
    ],
  },
  {
    version: 2,
    description: "each scan's verdict: compliant and waived results; null for scans saved before",
    statements: [
      'ALTER TABLE rkecis_scans ADD COLUMN waived integer',
      'ALTER TABLE rkecis_scans ADD COLUMN compliant boolean',
    ],
  },
];
