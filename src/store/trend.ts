import type { HistoryStore, ScanFilter } from './store.js';

import type { TrendPoint } from '../report/formatters/trend-svg.js';

export type { TrendPoint };

/** The scored pass rate of a node's (or cluster's) newest stored scans, oldest first. */
export async function loadTrend(
  store: HistoryStore,
  of: Pick<ScanFilter, 'node' | 'cluster'>,
  limit = 30,
): Promise<TrendPoint[]> {
  const scans = await store.list({ ...of, limit });
  return scans.map((s) => ({ id: s.id, scannedAt: s.scannedAt, scoredPassRate: s.scoredPassRate }));
}
