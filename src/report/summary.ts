import { STATUSES, type Result, type StatusCounts, type Summary } from './types.js';

const zero = (): StatusCounts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;

/** Counts by status, overall and for scored controls, and the scored pass rate. */
export function summarize(results: readonly Pick<Result, 'status' | 'scored'>[]): Summary {
  const all = zero();
  const scored = zero();
  for (const r of results) {
    all[r.status]++;
    if (r.scored) scored[r.status]++;
  }
  const judged = scored.pass + scored.fail + scored.error;
  return {
    total: results.length,
    ...all,
    scored: { total: results.filter((r) => r.scored).length, ...scored },
    scoredPassRate: judged === 0 ? null : Math.round((scored.pass / judged) * 10000) / 10000,
  };
}

/** True when a scored control failed or could not be evaluated, and no waiver covers it: exit code 1. */
export const notCompliant = (
  results: readonly Pick<Result, 'status' | 'scored' | 'waiver'>[],
): boolean =>
  results.some(
    (r) => r.scored && (r.status === 'fail' || r.status === 'error') && r.waiver === undefined,
  );
