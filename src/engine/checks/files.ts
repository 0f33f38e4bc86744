import { ownValue } from '../../evidence/own.js';
import type { FileEvidence, PresentFile } from '../../evidence/schema.js';
import type { EvalContext } from '../verdict.js';

/** One file a check judges: its path and metadata. */
export interface Judged {
  path: string;
  file: PresentFile;
}

/**
 * Why a path's own mode and owner prove nothing, if they do not: a symlink's are not its target's
 * (and rkecis never follows links), and a socket, FIFO or device is not the file a control means.
 */
function notJudgeable(path: string, f: PresentFile): string | undefined {
  if (f.type === 'symlink') {
    return `${path} is a symlink to ${f.target ?? '?'}; a link's own mode and owner are not its target's, and rkecis does not follow links`;
  }
  if (f.type !== 'file' && f.type !== 'directory')
    return `${path} is a ${f.type}, not a file or a directory`;
  return undefined;
}

/**
 * The files a file-mode or file-owner check judges: the paths themselves (`self`) or every entry
 * of each directory (`entries`). A path that is missing, unreadable or not collected is a
 * reason for `error`: the control cannot be proven, so it cannot pass.
 */
export function judgedFiles(
  ctx: EvalContext,
  paths: readonly string[],
  target: 'self' | 'entries',
): Judged[] | string {
  const out: Judged[] = [];
  for (const path of paths) {
    const files = ctx.evidence.files;
    const f: FileEvidence | undefined = ownValue(files, path, files[path]);
    if (f === undefined) return `${path} was not collected`;
    if (f.status === 'absent') return `${path} does not exist on this node`;
    if (f.status === 'error') return `${path} could not be read: ${f.reason}`;
    if (target === 'self') {
      const odd = notJudgeable(path, f);
      if (odd !== undefined) return odd;
      out.push({ path, file: f });
      continue;
    }
    if (f.type !== 'directory') return `${path} is a ${f.type}, not a directory`;
    if (f.entries === undefined) return `the entries of ${path} were not collected`;
    const dir = path.replace(/\/+$/, '');
    for (const name of Object.keys(f.entries).sort()) {
      const e = ownValue(f.entries, name, f.entries[name]);
      const p = `${dir}/${name}`;
      if (e === undefined) continue;
      // A listed entry said to be absent was not examined: earlier collectors recorded so an
      // entry whose lstat failed (a name that is not UTF-8 among them), whose mode is unknown.
      if (e.status === 'absent') return `${p} is listed in the folder but was not examined`;
      if (e.status === 'error') return `${p} could not be read: ${e.reason}`;
      const odd = notJudgeable(p, e);
      if (odd !== undefined) return odd;
      out.push({ path: p, file: e });
    }
  }
  return out;
}

/**
 * `actual` text: the value alone for one file, as `stat` would print it; for many, the offending
 * ones with their values, or how many were checked.
 */
export function describeFiles(
  judged: readonly Judged[],
  show: (f: PresentFile) => string,
  bad: readonly Judged[],
  target: 'self' | 'entries',
): string {
  if (target === 'self' && judged.length === 1 && judged[0] !== undefined)
    return show(judged[0].file);
  if (target === 'self') return judged.map((j) => `${j.path}: ${show(j.file)}`).join(', ');
  if (judged.length === 0) return 'no entries';
  if (bad.length === 0)
    return `all ${judged.length} entries: ${[...new Set(judged.map((j) => show(j.file)))].join(', ')}`;
  return bad.map((j) => `${j.path}: ${show(j.file)}`).join(', ');
}
