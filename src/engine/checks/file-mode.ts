import { bitmask } from '../operators/bitmask.js';
import { JUDGED_FILE_MESSAGES, judgeFiles, requireFiles } from './files.js';
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
    paths: check.paths,
    entries: check.target === 'entries',
    want: `mode ${check.max} or more restrictive`,
  }),

  fix: (check, v) =>
    v.status === 'error'
      ? undefined
      : {
          to: 'file-mode',
          paths: check.paths,
          entries: check.target === 'entries',
          max: check.max,
        },
});
