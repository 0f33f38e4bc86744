import {
  foundFiles,
  JUDGED_FILE_MESSAGES,
  judgedFiles,
  offendingPaths,
  plannedPaths,
  scopeIsPlain,
  scopeText,
} from './files.js';
import { requireFiles } from './file-needs.js';
import { defineKind, verdictsOf } from './kind.js';

const messages = JUDGED_FILE_MESSAGES;
const verdict = verdictsOf(messages);

const show = (f: { user: string; group: string }): string => `${f.user}:${f.group}`;

/** Owner and group as `stat -c %U:%G` prints them, names from the node's own passwd and group. */
export default defineKind<'file-owner'>({
  messages,

  evaluate(check, ctx) {
    const expected = check.owner;
    const judged = judgedFiles(ctx, check);
    if ('problem' in judged)
      return verdict(judged.status, expected, judged.problem.id, judged.problem.data);
    const bad = judged.judged.filter((j) => show(j.file) !== check.owner);
    const found = foundFiles(judged.judged, show, bad, check, judged.paths);
    return verdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
  },

  requires: requireFiles,

  plan: (check) => ({
    what: 'files',
    paths: plannedPaths(check),
    entries: check.target !== 'self',
    want: `owned by ${check.owner}${scopeIsPlain(check) ? '' : ` (${scopeText(check, plannedPaths(check))})`}`,
  }),

  fix(check, v) {
    if (v.status === 'error' || v.status === 'not-applicable') return undefined;
    const [user = 'root', group = 'root'] = check.owner.split(':');
    if (scopeIsPlain(check))
      return {
        to: 'file-owner',
        paths: check.paths ?? [],
        entries: check.target === 'entries',
        user,
        group,
      };
    // Globs or a flag's path: the files found offending, each by its own path.
    const paths = offendingPaths(v.found);
    return paths.length === 0
      ? undefined
      : { to: 'file-owner', paths, entries: false, user, group };
  },
});
