import type { ScanRecord, ScanRow } from './store.js';

/** Column names in insert order; both engines share them. */
export const INSERT_COLUMNS = [
  'id',
  'kind',
  'cluster',
  'node',
  'scanned_at',
  'saved_at',
  'profile',
  'benchmark',
  'rkecis_version',
  'total',
  'pass',
  'fail',
  'error',
  'not_applicable',
  'manual',
  'scored_pass_rate',
  'waived',
  'compliant',
  'report_gz',
  'report_sha256',
  'evidence_gz',
  'evidence_sha256',
] as const;

/** The columns history lists (no documents). */
export const RECORD_COLUMNS = INSERT_COLUMNS.filter(
  (c) => c !== 'report_gz' && c !== 'evidence_gz' && c !== 'report_sha256',
);

export const insertValues = (r: ScanRow): unknown[] => [
  r.id,
  r.kind,
  r.cluster,
  r.node,
  r.scannedAt,
  r.savedAt,
  r.profile,
  r.benchmark,
  r.rkecisVersion,
  r.counts.total,
  r.counts.pass,
  r.counts.fail,
  r.counts.error,
  r.counts['not-applicable'],
  r.counts.manual,
  r.scoredPassRate,
  r.waived,
  // SQLite has no boolean: 1 or 0, which PostgreSQL also reads into its boolean column.
  r.compliant === null ? null : r.compliant ? 1 : 0,
  r.reportGz,
  r.reportSha256,
  r.evidenceGz,
  r.evidenceSha256,
];

/** A database row, as either driver returns it. */
export type DbRow = Record<string, unknown>;

function text(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new Error(`unexpected ${typeof v} value in a history row`);
}
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : text(v));
const int = (v: unknown): number => Number(v);

export function recordFromDb(row: DbRow): ScanRecord {
  return {
    id: text(row.id),
    kind: row.kind === 'cluster' ? 'cluster' : 'node',
    cluster: textOrNull(row.cluster),
    node: textOrNull(row.node),
    scannedAt: text(row.scanned_at),
    savedAt: text(row.saved_at),
    profile: text(row.profile),
    benchmark: text(row.benchmark),
    rkecisVersion: text(row.rkecis_version),
    counts: {
      total: int(row.total),
      pass: int(row.pass),
      fail: int(row.fail),
      error: int(row.error),
      'not-applicable': int(row.not_applicable),
      manual: int(row.manual),
    },
    scoredPassRate: row.scored_pass_rate === null ? null : Number(row.scored_pass_rate),
    waived: row.waived === null || row.waived === undefined ? null : int(row.waived),
    compliant:
      row.compliant === null || row.compliant === undefined
        ? null
        : row.compliant === true || Number(row.compliant) === 1,
    evidenceSha256: text(row.evidence_sha256),
  };
}

const buffer = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));

export const rowFromDb = (row: DbRow): ScanRow => ({
  ...recordFromDb(row),
  reportGz: buffer(row.report_gz),
  reportSha256: text(row.report_sha256),
  evidenceGz: buffer(row.evidence_gz),
});

/**
 * Keeps the newest `keep` scans of each node (node scans) and of each cluster (cluster scans):
 * the ids of the others. Window functions work the same in SQLite (3.25+) and PostgreSQL.
 */
export const PRUNE_SELECT = `
  SELECT id FROM (
    SELECT id, ROW_NUMBER() OVER (
      PARTITION BY kind, COALESCE(cluster, ''), COALESCE(node, '')
      ORDER BY scanned_at DESC, id DESC
    ) AS rank
    FROM rkecis_scans
    WHERE ($node IS NULL OR node = $node) AND ($cluster IS NULL OR cluster = $cluster)
  ) ranked
  WHERE rank > $keep`;
