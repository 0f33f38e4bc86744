import type { Check } from '../../profiles/schema.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { describeFiles, judgedFiles } from './files.js';

type FileOwnerCheck = Extract<Check, { kind: 'file-owner' }>;

/** Owner and group as `stat -c %U:%G` prints them, names from the node's own passwd and group. */
export function fileOwner(check: FileOwnerCheck, ctx: EvalContext): Verdict {
  const expected = check.owner;
  const judged = judgedFiles(ctx, check.paths, check.target);
  if (typeof judged === 'string') return errorVerdict(judged, expected);
  const show = (f: { user: string; group: string }): string => `${f.user}:${f.group}`;
  const bad = judged.filter((j) => show(j.file) !== check.owner);
  return {
    status: bad.length === 0 ? 'pass' : 'fail',
    actual: describeFiles(judged, show, bad, check.target),
    expected,
  };
}
