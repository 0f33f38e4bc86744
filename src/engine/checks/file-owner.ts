import { foundFiles, JUDGED_FILE_MESSAGES, judgedFiles } from './files.js';
import { defineKind, verdictsOf } from './kind.js';

const messages = JUDGED_FILE_MESSAGES;
const verdict = verdictsOf(messages);

const show = (f: { user: string; group: string }): string => `${f.user}:${f.group}`;

/** Owner and group as `stat -c %U:%G` prints them, names from the node's own passwd and group. */
export default defineKind<'file-owner'>({
  messages,

  evaluate(check, ctx) {
    const expected = check.owner;
    const judged = judgedFiles(ctx, check.paths, check.target);
    if ('id' in judged) return verdict('error', expected, judged.id, judged.data);
    const bad = judged.filter((j) => show(j.file) !== check.owner);
    const found = foundFiles(judged, show, bad, check.target);
    return verdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
  },

  requires(check, needs) {
    for (const p of check.paths) needs.file(p, { entries: check.target === 'entries' });
  },

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
