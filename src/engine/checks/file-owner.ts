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

const show = (f: { user: string; group: string }): string => `${f.user}:${f.group}`;

/** Owner and group as `stat -c %U:%G` prints them, names from the node's own passwd and group. */
export default defineKind<'file-owner'>({
  messages: JUDGED_FILE_MESSAGES,

  evaluate: (check, ctx) =>
    judgeFiles(ctx, check, check.owner, show, (f) => show(f) === check.owner),

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
