import { ownValue } from '../../evidence/own.js';
import type { FileEvidence, PresentFile } from '../../evidence/schema.js';
import type { EvalContext, Verdict } from '../verdict.js';
import { verdictsOf, type EvidenceNeeds, type FoundOf } from './kind.js';

/** Why a host file cannot be had: the messages every kind that reads files shares. */
export const FILE_MESSAGES = {
  'file-not-collected': (d: { path: string }) => `${d.path} was not collected`,
  'file-absent': (d: { path: string }) => `${d.path} does not exist on this node`,
  'file-unreadable': (d: { path: string; reason: string }) =>
    `${d.path} could not be read: ${d.reason}`,
} as const;

/** The messages of the kinds that judge files' metadata (file-mode, file-owner). */
export const JUDGED_FILE_MESSAGES = {
  ...FILE_MESSAGES,
  symlink: (d: { path: string; target: string | null }) =>
    `${d.path} is a symlink to ${d.target ?? '?'}; a link's own mode and owner are not its target's, and rkecis does not follow links`,
  'not-a-file': (d: { path: string; type: string }) =>
    `${d.path} is a ${d.type}, not a file or a directory`,
  'not-a-directory': (d: { path: string; type: string }) =>
    `${d.path} is a ${d.type}, not a directory`,
  'entries-not-collected': (d: { path: string }) => `the entries of ${d.path} were not collected`,
  'entry-not-examined': (d: { path: string }) =>
    `${d.path} is listed in the folder but was not examined`,
  /** One file: its value alone, as `stat` prints it. */
  'file-value': (d: { path: string; value: string }) => d.value,
  /** Several files, or the offending entries of directories: each with its value. */
  'file-values': (d: { files: readonly { path: string; value: string }[] }) =>
    d.files.map((f) => `${f.path}: ${f.value}`).join(', '),
  /** Every entry of the directories passes: how many, and their distinct values. */
  'entries-values': (d: { count: number; values: readonly string[] }) =>
    d.count === 0 ? 'no entries' : `all ${d.count} entries: ${d.values.join(', ')}`,
} as const;

export type FileProblem = FoundOf<typeof FILE_MESSAGES>;
type JudgedProblem = FoundOf<
  Omit<typeof JUDGED_FILE_MESSAGES, 'file-value' | 'file-values' | 'entries-values'>
>;

/** One file a check judges: its path and metadata. */
export interface Judged {
  path: string;
  file: PresentFile;
}

/** The file's evidence, or why it cannot be had. */
export function fileOf(ctx: EvalContext, path: string): PresentFile | FileProblem {
  const files = ctx.evidence.files;
  const f: FileEvidence | undefined = ownValue(files, path, files[path]);
  if (f === undefined) return { id: 'file-not-collected', data: { path } };
  if (f.status === 'absent') return { id: 'file-absent', data: { path } };
  if (f.status === 'error') return { id: 'file-unreadable', data: { path, reason: f.reason } };
  return f;
}

/**
 * Why a path's own mode and owner prove nothing, if they do not: a symlink's are not its target's
 * (and rkecis never follows links), and a socket, FIFO or device is not the file a control means.
 */
function notJudgeable(path: string, f: PresentFile): JudgedProblem | undefined {
  if (f.type === 'symlink') return { id: 'symlink', data: { path, target: f.target ?? null } };
  if (f.type !== 'file' && f.type !== 'directory')
    return { id: 'not-a-file', data: { path, type: f.type } };
  return undefined;
}

/**
 * The files a file-mode or file-owner check judges: the paths themselves (`self`) or every entry
 * of each directory (`entries`). A path that is missing, unreadable or not collected is a
 * reason for `error`: the control cannot be proven, so it cannot pass.
 */
function judgedFiles(
  ctx: EvalContext,
  paths: readonly string[],
  target: 'self' | 'entries',
): Judged[] | JudgedProblem {
  const out: Judged[] = [];
  for (const path of paths) {
    const f = fileOf(ctx, path);
    if ('id' in f) return f;
    if (target === 'self') {
      const odd = notJudgeable(path, f);
      if (odd !== undefined) return odd;
      out.push({ path, file: f });
      continue;
    }
    if (f.type !== 'directory') return { id: 'not-a-directory', data: { path, type: f.type } };
    if (f.entries === undefined) return { id: 'entries-not-collected', data: { path } };
    const dir = path.replace(/\/+$/, '');
    for (const name of Object.keys(f.entries).sort()) {
      const e = ownValue(f.entries, name, f.entries[name]);
      const p = `${dir}/${name}`;
      if (e === undefined) continue;
      // A listed entry said to be absent was not examined: earlier collectors recorded so an
      // entry whose lstat failed (a name that is not UTF-8 among them), whose mode is unknown.
      if (e.status === 'absent') return { id: 'entry-not-examined', data: { path: p } };
      if (e.status === 'error')
        return { id: 'file-unreadable', data: { path: p, reason: e.reason } };
      const odd = notJudgeable(p, e);
      if (odd !== undefined) return odd;
      out.push({ path: p, file: e });
    }
  }
  return out;
}

type FilesFound = FoundOf<
  Pick<typeof JUDGED_FILE_MESSAGES, 'file-value' | 'file-values' | 'entries-values'>
>;

/**
 * What was found of the judged files: the value alone for one file, as `stat` would print it;
 * for many, the offending ones with their values, or how many were checked.
 */
function foundFiles(
  judged: readonly Judged[],
  show: (f: PresentFile) => string,
  bad: readonly Judged[],
  target: 'self' | 'entries',
): FilesFound {
  const one = judged[0];
  if (target === 'self' && judged.length === 1 && one !== undefined)
    return { id: 'file-value', data: { path: one.path, value: show(one.file) } };
  if (target === 'entries' && (judged.length === 0 || bad.length === 0))
    return {
      id: 'entries-values',
      data: { count: judged.length, values: [...new Set(judged.map((j) => show(j.file)))] },
    };
  const files = (target === 'self' ? judged : bad).map((j) => ({
    path: j.path,
    value: show(j.file),
  }));
  return { id: 'file-values', data: { files } };
}

/** The paths a file-mode or file-owner check judges, with how (the paths or their entries). */
interface FilesCheck {
  paths: readonly string[];
  target: 'self' | 'entries';
}

const judgedVerdict = verdictsOf(JUDGED_FILE_MESSAGES);

/**
 * The verdict of a check on files' metadata (file-mode, file-owner): a pass when every judged
 * file is `ok`, each shown by its value (`show`) as `stat` prints it; an error when a file
 * cannot be judged.
 */
export function judgeFiles(
  ctx: EvalContext,
  check: FilesCheck,
  expected: string,
  show: (f: PresentFile) => string,
  ok: (f: PresentFile) => boolean,
): Verdict {
  const judged = judgedFiles(ctx, check.paths, check.target);
  if ('id' in judged) return judgedVerdict('error', expected, judged.id, judged.data);
  const bad = judged.filter((j) => !ok(j.file));
  const found = foundFiles(judged, show, bad, check.target);
  return judgedVerdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
}

/** The evidence a check on files' metadata reads: each path's, or that of each of its entries. */
export function requireFiles(check: FilesCheck, needs: EvidenceNeeds): void {
  for (const p of check.paths) needs.file(p, { entries: check.target === 'entries' });
}
