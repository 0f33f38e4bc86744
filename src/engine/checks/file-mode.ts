import { bitmask } from '../operators/bitmask.js';
import { foundFiles, JUDGED_FILE_MESSAGES, judgedFiles } from './files.js';
import { defineKind, verdictsOf } from './kind.js';

const messages = JUDGED_FILE_MESSAGES;
const verdict = verdictsOf(messages);

/** "644 or more restrictive": no permission bit outside the mask, on each file judged. */
export default defineKind<'file-mode'>({
  messages,

  evaluate(check, ctx) {
    const expected = `${check.max} or more restrictive`;
    const judged = judgedFiles(ctx, check.paths, check.target);
    if ('id' in judged) return verdict('error', expected, judged.id, judged.data);
    const bad = judged.filter((j) => !bitmask(j.file.mode, check.max));
    const found = foundFiles(judged, (f) => f.mode, bad, check.target);
    return verdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
  },

  requires(check, needs) {
    for (const p of check.paths) needs.file(p, { entries: check.target === 'entries' });
  },

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
