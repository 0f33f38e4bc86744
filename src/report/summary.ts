import type { Result, StatusCounts, Summary } from './types.js';

const zero = (): StatusCounts => ({ pass: 0, fail: 0, 'not-applicable': 0, manual: 0, error: 0 });

/** Counts by status, overall and for scored controls, and the scored pass rate. */
export function summarize(results: readonly Pick<Result, 'status' | 'scored'>[]): Summary {
  const all = zero();
  const scored = zero();
  let scoredTotal = 0;
  for (const r of results) {
    all[r.status]++;
    if (r.scored) {
      scored[r.status]++;
      scoredTotal++;
    }
  }
  const judged = scored.pass + scored.fail + scored.error;
  return {
    total: results.length,
    ...all,
    scored: { total: scoredTotal, ...scored },
    scoredPassRate: judged === 0 ? null : Math.round((scored.pass / judged) * 10000) / 10000,
  };
}

/**
 * True when a scored control failed or could not be evaluated, and no waiver covers it: exit
 * code 1. A report of no controls at all (a node where no RKE role was found, an engine that is
 * not the node's) proves nothing, so it is not compliant either.
 */
export const notCompliant = (
  results: readonly Pick<Result, 'status' | 'scored' | 'waiver'>[],
): boolean =>
  results.length === 0 ||
  results.some(
    (r) => r.scored && (r.status === 'fail' || r.status === 'error') && r.waiver === undefined,
  );
