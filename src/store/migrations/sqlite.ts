import type { Migration } from './types.js';

/**
 * SQLite schema, by version. A scan row is a node scan (node set) or, later, a cluster scan
 * (cluster set, node null); both documents are gzipped JSON with the SHA-256 of the uncompressed
 * bytes. Times are ISO 8601 UTC text, which sorts as time.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'scans table',
    statements: [
      `CREATE TABLE rkecis_scans (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('node', 'cluster')),
        cluster TEXT,
        node TEXT,
        scanned_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        profile TEXT NOT NULL,
        benchmark TEXT NOT NULL,
        rkecis_version TEXT NOT NULL,
        total INTEGER NOT NULL,
        pass INTEGER NOT NULL,
        fail INTEGER NOT NULL,
        error INTEGER NOT NULL,
        not_applicable INTEGER NOT NULL,
        manual INTEGER NOT NULL,
        scored_pass_rate REAL,
        report_gz BLOB NOT NULL,
        report_sha256 TEXT NOT NULL,
        evidence_gz BLOB NOT NULL,
        evidence_sha256 TEXT NOT NULL,
        CHECK (kind = 'cluster' OR node IS NOT NULL),
        CHECK (kind = 'node' OR cluster IS NOT NULL)
      ) STRICT`,
      'CREATE INDEX rkecis_scans_node ON rkecis_scans (node, scanned_at)',
      'CREATE INDEX rkecis_scans_cluster ON rkecis_scans (cluster, scanned_at)',
    ],
  },
  {
    version: 2,
    description:
      "each scan's verdict: compliant (0 or 1) and waived results; null for scans saved before",
    statements: [
      'ALTER TABLE rkecis_scans ADD COLUMN waived INTEGER',
      'ALTER TABLE rkecis_scans ADD COLUMN compliant INTEGER CHECK (compliant IN (0, 1))',
    ],
  },
];
