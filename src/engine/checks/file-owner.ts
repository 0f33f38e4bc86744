import { JUDGED_FILE_MESSAGES, judgeFiles, requireFiles } from './files.js';
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
    paths: check.paths,
    entries: check.target === 'entries',
    want: `owned by ${check.owner}`,
  }),

  fix(check, v) {
    if (v.status === 'error') return undefined;
    const [user = 'root', group = 'root'] = check.owner.split(':');
    return {
      to: 'file-owner',
      paths: check.paths,
      entries: check.target === 'entries',
      user,
      group,
    };
  },
});
