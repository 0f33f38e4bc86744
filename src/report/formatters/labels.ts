import type { Result, Status } from '../types.js';

/** Result words in the guide's own style ("Result: Pass"). */
export const RESULT_LABEL: Record<Status, string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  'not-applicable': 'Not Applicable',
  manual: 'Manual',
};

/** The result as the document shows it: a waived failure stays a failure, marked waived. */
export const resultLabel = (r: Pick<Result, 'status' | 'waiver'>): string =>
  `${RESULT_LABEL[r.status]}${r.waiver !== undefined ? ' (waived)' : ''}`;

export const scoredLabel = (scored: boolean): string => (scored ? 'Scored' : 'Not Scored');

/** "1.1.1 - Ensure that ... (Scored)": the guide's heading for a control. */
export const controlHeading = (r: Pick<Result, 'id' | 'title' | 'scored'>): string =>
  `${r.id} - ${r.title} (${scoredLabel(r.scored)})`;

/** "approved by X, expires Y": the waiver's bookkeeping, for every format alike. */
export function waiverDetail(w: { approvedBy?: string; expires?: string; source: string }): string {
  const parts = [
    ...(w.approvedBy !== undefined ? [`approved by ${w.approvedBy}`] : []),
    ...(w.expires !== undefined ? [`expires ${w.expires}`] : []),
    w.source,
  ];
  return parts.join('; ');
}

/** The run's verdict under the exit-code rules (README): what a CI gate and an auditor read first. */
export const verdictLabel = (compliant: boolean): string =>
  compliant ? 'Compliant' : 'Not compliant';

/** The anchor every control has, in both documents: `#control-1.1.1`. */
export const controlAnchor = (id: string): string => `control-${id}`;
