import { bitmask } from '../operators/bitmask.js';
import {
  JUDGED_FILE_MESSAGES,
  judgeFiles,
  offendingPaths,
  plannedPaths,
  scopeIsPlain,
  scopeText,
} from './files.js';
import { requireFiles } from './file-needs.js';
import { defineKind } from './kind.js';

/** "644 or more restrictive": no permission bit outside the mask, on each file judged. */
export default defineKind<'file-mode'>({
  messages: JUDGED_FILE_MESSAGES,

  evaluate: (check, ctx) =>
    judgeFiles(
      ctx,
      check,
      `${check.max} or more restrictive`,
      (f) => f.mode,
      (f) => bitmask(f.mode, check.max),
    ),

  requires: requireFiles,

  plan: (check) => ({
    what: 'files',
    paths: plannedPaths(check),
    entries: check.target !== 'self',
    want: `mode ${check.max} or more restrictive${scopeIsPlain(check) ? '' : ` (${scopeText(check, plannedPaths(check))})`}`,
  }),

  fix(check, v) {
    if (v.status === 'error' || v.status === 'not-applicable') return undefined;
    if (scopeIsPlain(check))
      return {
        to: 'file-mode',
        paths: check.paths ?? [],
        entries: check.target === 'entries',
        max: check.max,
      };
    // Globs or a flag's path: the files found offending, each by its own path.
    const paths = offendingPaths(v.found);
    return paths.length === 0
      ? undefined
      : { to: 'file-mode', paths, entries: false, max: check.max };
  },
});
