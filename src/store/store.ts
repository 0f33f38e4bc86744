import type { Evidence } from '../evidence/schema.js';
import type { NodeReport, StatusCounts } from '../report/types.js';

export type ScanKind = 'node' | 'cluster';

/** One stored scan as history lists it: no report, no evidence. */
export interface ScanRecord {
  id: string;
  kind: ScanKind;
  /** The cluster a scan belongs to; for a node scan, null unless known. */
  cluster: string | null;
  /** The node a node scan is of; null for a cluster scan. */
  node: string | null;
  /** When the evidence was collected (its collectedAt), else when the scan was saved. ISO 8601, UTC. */
  scannedAt: string;
  savedAt: string;
  profile: string;
  benchmark: string;
  rkecisVersion: string;
  counts: StatusCounts & { total: number };
  scoredPassRate: number | null;
  /**
   * The scan's verdict, as its exit code was: no scored control failing or erring unwaived.
   * Null in a store row saved before rkecis recorded it (listScans reads it from the report).
   */
  compliant: boolean | null;
  /** Failures and errors a waiver covered; null likewise. */
  waived: number | null;
  /** SHA-256 (hex) of the uncompressed evidence bundle. */
  evidenceSha256: string;
}

/** What is written: the record's columns plus both documents, compressed. */
export interface ScanRow extends ScanRecord {
  reportGz: Buffer;
  reportSha256: string;
  evidenceGz: Buffer;
}

/** A node scan to save. */
export interface NewScan {
  report: NodeReport;
  evidence: Evidence;
  cluster?: string;
}

export interface ScanFilter {
  node?: string;
  cluster?: string;
  /** The newest this many, still listed oldest first. */
  limit?: number;
}

/**
 * A history store. Every engine keeps the same table, migrates itself when opened, and writes
 * a scan in one transaction: a reader sees it whole or not at all.
 */
export interface HistoryStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Where it is, fit to show (never a password). */
  readonly display: string;
  insert(row: ScanRow): Promise<void>;
  /** Oldest first. */
  list(filter: ScanFilter): Promise<ScanRecord[]>;
  /** Ids that start with the prefix, at most `max` of them. */
  idsWithPrefix(prefix: string, max: number): Promise<string[]>;
  get(id: string): Promise<ScanRow | undefined>;
  /** Deletes all but the newest `keep` scans of each node (and each cluster); returns how many went. */
  prune(keep: number, filter: Omit<ScanFilter, 'limit'>): Promise<number>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
