import type { Check } from '../../profiles/schema.js';
import { bitmask } from '../operators/bitmask.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { describeFiles, judgedFiles } from './files.js';

type FileModeCheck = Extract<Check, { kind: 'file-mode' }>;

/** "644 or more restrictive": no permission bit outside the mask, on each file judged. */
export function fileMode(check: FileModeCheck, ctx: EvalContext): Verdict {
  const expected = `${check.max} or more restrictive`;
  const judged = judgedFiles(ctx, check.paths, check.target);
  if (typeof judged === 'string') return errorVerdict(judged, expected);
  const bad = judged.filter((j) => !bitmask(j.file.mode, check.max));
  return {
    status: bad.length === 0 ? 'pass' : 'fail',
    actual: describeFiles(judged, (f) => f.mode, bad, check.target),
    expected,
  };
}
