import { bitmask } from '../operators/bitmask.js';
import {
  foundFiles,
  JUDGED_FILE_MESSAGES,
  judgedFiles,
  offendingPaths,
  plannedPaths,
  scopeIsPlain,
  scopeText,
} from './files.js';
import { defineKind, verdictsOf } from './kind.js';
import { requireFiles } from './file-needs.js';

const messages = JUDGED_FILE_MESSAGES;
const verdict = verdictsOf(messages);

/** "644 or more restrictive": no permission bit outside the mask, on each file judged. */
export default defineKind<'file-mode'>({
  messages,

  evaluate(check, ctx) {
    const expected = `${check.max} or more restrictive`;
    const judged = judgedFiles(ctx, check);
    if ('problem' in judged)
      return verdict(judged.status, expected, judged.problem.id, judged.problem.data);
    const bad = judged.judged.filter((j) => !bitmask(j.file.mode, check.max));
    const found = foundFiles(judged.judged, (f) => f.mode, bad, check, judged.paths);
    return verdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
  },

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
