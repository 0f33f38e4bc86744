import type { Result, Summary } from './types.js';

/** Counts by status, overall and for scored controls, and the scored pass rate. */
export function summarize(results: readonly Pick<Result, 'status' | 'scored'>[]): Summary {
  // Plain counters rather than `counts[status]++`: this runs for every node of a fleet, and a
  // property looked up by a computed name costs more than the whole loop body otherwise.
  let pass = 0;
  let fail = 0;
  let na = 0;
  let manual = 0;
  let error = 0;
  let sPass = 0;
  let sFail = 0;
  let sNa = 0;
  let sManual = 0;
  let sError = 0;
  for (const r of results) {
    switch (r.status) {
      case 'pass':
        pass++;
        if (r.scored) sPass++;
        break;
      case 'fail':
        fail++;
        if (r.scored) sFail++;
        break;
      case 'not-applicable':
        na++;
        if (r.scored) sNa++;
        break;
      case 'manual':
        manual++;
        if (r.scored) sManual++;
        break;
      case 'error':
        error++;
        if (r.scored) sError++;
        break;
    }
  }
  const scoredTotal = sPass + sFail + sNa + sManual + sError;
  const judged = sPass + sFail + sError;
  return {
    total: results.length,
    pass,
    fail,
    'not-applicable': na,
    manual,
    error,
    scored: {
      total: scoredTotal,
      pass: sPass,
      fail: sFail,
      'not-applicable': sNa,
      manual: sManual,
      error: sError,
    },
    scoredPassRate: judged === 0 ? null : Math.round((sPass / judged) * 10000) / 10000,
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
