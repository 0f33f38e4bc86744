import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../base/errors.js';
import { parseEvidence } from '../evidence/read.js';
import type { Evidence } from '../evidence/schema.js';
import type { NodeReport } from '../report/types.js';
import { VERSION } from '../base/version.js';
import { isIdPrefix, newScanId } from './ids.js';
import { notCompliant } from '../report/summary.js';
import type { HistoryStore, NewScan, ScanFilter, ScanRecord, ScanRow } from './store.js';

/** A stored document never decompresses to more than this (a guard against a tampered blob). */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

export const sha256 = (data: Buffer | string): string =>
  createHash('sha256').update(data).digest('hex');

/** The bytes of an evidence bundle as rkecis writes it; its SHA-256 is what a scan records. */
export const bundleBytes = (evidence: Evidence): Buffer =>
  Buffer.from(`${JSON.stringify(evidence, null, 2)}\n`, 'utf8');

/** Builds the row for a node scan: counts from the report, both documents gzipped and hashed. */
export function scanRow(
  scan: NewScan,
  now: Date = new Date(),
  id: string = newScanId(now.getTime()),
): ScanRow {
  const { report, evidence } = scan;
  const evidenceBytes = bundleBytes(evidence);
  const reportBytes = Buffer.from(JSON.stringify(report), 'utf8');
  const collected = evidence.collectedAt === undefined ? NaN : Date.parse(evidence.collectedAt);
  const s = report.summary;
  return {
    id,
    kind: 'node',
    cluster: scan.cluster ?? null,
    node: report.node.name,
    scannedAt: (Number.isNaN(collected) ? now : new Date(collected)).toISOString(),
    savedAt: now.toISOString(),
    profile: report.profile.name,
    benchmark: report.profile.benchmark,
    rkecisVersion: VERSION,
    counts: {
      total: s.total,
      pass: s.pass,
      fail: s.fail,
      error: s.error,
      'not-applicable': s['not-applicable'],
      manual: s.manual,
    },
    scoredPassRate: s.scoredPassRate,
    ...verdictOf(report),
    evidenceSha256: sha256(evidenceBytes),
    evidenceGz: gzipSync(evidenceBytes),
    reportSha256: sha256(reportBytes),
    reportGz: gzipSync(reportBytes),
  };
}

/** The listed part of a row. */
export const toRecord = (row: ScanRow): ScanRecord => ({
  id: row.id,
  kind: row.kind,
  cluster: row.cluster,
  node: row.node,
  scannedAt: row.scannedAt,
  savedAt: row.savedAt,
  profile: row.profile,
  benchmark: row.benchmark,
  rkecisVersion: row.rkecisVersion,
  counts: row.counts,
  scoredPassRate: row.scoredPassRate,
  compliant: row.compliant,
  waived: row.waived,
  evidenceSha256: row.evidenceSha256,
});

/** A report's verdict as history lists it: its exit code's answer, and the waived results. */
export const verdictOf = (report: NodeReport): Pick<ScanRecord, 'compliant' | 'waived'> => ({
  compliant: !notCompliant(report.results),
  waived: report.results.filter((r) => r.waiver !== undefined).length,
});

/**
 * The scans as history lists them. A scan saved before rkecis recorded verdicts has none in its
 * row: it is read from the stored report (verified, as show does), for as long as the row lacks it.
 */
export async function listScans(store: HistoryStore, filter: ScanFilter): Promise<ScanRecord[]> {
  const records = await store.list(filter);
  const out: ScanRecord[] = [];
  for (const r of records) {
    if (r.compliant !== null && r.waived !== null) {
      out.push(r);
      continue;
    }
    const row = await store.get(r.id);
    out.push(row === undefined ? r : { ...r, ...verdictOf(decodeScan(row, store.display).report) });
  }
  return out;
}

/** Saves a node scan in one transaction and returns what history will list. */
export async function saveScan(
  store: HistoryStore,
  scan: NewScan,
  now?: Date,
): Promise<ScanRecord> {
  const row = scanRow(scan, now);
  await store.insert(row);
  return toRecord(row);
}

/** The full id of the one scan whose id starts with `text` (as git accepts a short hash). */
export async function resolveScanId(store: HistoryStore, text: string): Promise<string> {
  const prefix = text.trim().toLowerCase();
  if (!isIdPrefix(prefix)) {
    throw new InputError(
      `"${text}" is not a scan id (ids are 16 characters like 01jc0x8m4ab9q2r7; see rkecis history)`,
    );
  }
  const ids = await store.idsWithPrefix(prefix, 6);
  if (ids.length === 0)
    throw new InputError(`no scan ${text} in ${store.display} (see rkecis history)`);
  if (ids.length > 1 && !ids.includes(prefix)) {
    throw new InputError(
      `scan id ${text} is ambiguous in ${store.display}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}`,
    );
  }
  return ids.includes(prefix) ? prefix : (ids[0] ?? prefix);
}

export interface LoadedScan {
  record: ScanRecord;
  report: NodeReport;
  evidence: Evidence;
  /** The bundle exactly as its recorded SHA-256 covers it. */
  evidenceBytes: Buffer;
}

function gunzip(data: Buffer, what: string): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: MAX_DOCUMENT_BYTES });
  } catch (e) {
    throw new InputError(`${what} is damaged: cannot decompress (${(e as Error).message})`);
  }
}

/**
 * Decodes a stored scan and checks its integrity: the evidence bundle (and the report) must hash
 * to what was recorded when the scan was saved, or the scan is refused.
 */
export function decodeScan(row: ScanRow, storeDisplay: string): LoadedScan {
  const where = `scan ${row.id} in ${storeDisplay}`;
  const evidenceBytes = gunzip(row.evidenceGz, `the evidence bundle of ${where}`);
  const evidenceHash = sha256(evidenceBytes);
  if (evidenceHash !== row.evidenceSha256) {
    throw new InputError(
      `integrity check failed: the evidence bundle of ${where} has SHA-256 ${evidenceHash}, but ${row.evidenceSha256} was recorded when it was saved`,
    );
  }
  const reportBytes = gunzip(row.reportGz, `the report of ${where}`);
  const reportHash = sha256(reportBytes);
  if (reportHash !== row.reportSha256) {
    throw new InputError(
      `integrity check failed: the report of ${where} has SHA-256 ${reportHash}, but ${row.reportSha256} was recorded when it was saved`,
    );
  }
  let evidenceData: unknown;
  let report: NodeReport;
  try {
    evidenceData = JSON.parse(evidenceBytes.toString('utf8'));
    report = JSON.parse(reportBytes.toString('utf8')) as NodeReport;
  } catch (e) {
    throw new InputError(`${where} is damaged: ${(e as Error).message}`);
  }
  const evidence = parseEvidence(evidenceData, `the evidence bundle of ${where}`);
  return { record: toRecord(row), report, evidence, evidenceBytes };
}

/** Finds a scan by id or unique prefix, verified and decoded. */
export async function loadScan(store: HistoryStore, idOrPrefix: string): Promise<LoadedScan> {
  const id = await resolveScanId(store, idOrPrefix);
  const row = await store.get(id);
  if (row === undefined)
    throw new InputError(`no scan ${idOrPrefix} in ${store.display} (see rkecis history)`);
  return decodeScan(row, store.display);
}
