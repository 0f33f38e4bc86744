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

/** The results that make a report not compliant: scored, failed or in error, with no waiver. */
export const blocking = <R extends Pick<Result, 'status' | 'scored' | 'waiver'>>(
  results: readonly R[],
): R[] =>
  results.filter(
    (r) => r.scored && (r.status === 'fail' || r.status === 'error') && r.waiver === undefined,
  );

/**
 * The scored pass rate with its arithmetic, so that "72/96 pass" beside "90.0%" adds up:
 * "90.0% = 72 pass / (72 pass + 5 fail + 3 error)". `judged` lists the counts the denominator
 * adds up (a cluster's count mixed controls too); not applicable and manual are not among them.
 */
export function passRateText(
  rate: number | null,
  pass: number,
  judged: readonly (readonly [string, number])[],
): string {
  const sum = judged.map(([label, n]) => `${n} ${label}`).join(' + ');
  if (rate === null) return `n/a: no scored control was judged (${sum})`;
  return `${(rate * 100).toFixed(1)}% = ${pass} pass / (${sum})`;
}

/** A node report's scored pass rate, with its arithmetic (passRateText). */
export const nodePassRateText = (s: Summary): string =>
  passRateText(s.scoredPassRate, s.scored.pass, [
    ['pass', s.scored.pass],
    ['fail', s.scored.fail],
    ['error', s.scored.error],
  ]);
