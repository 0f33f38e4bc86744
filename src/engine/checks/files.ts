import { ownValue } from '../../evidence/own.js';
import type { FileEvidence, PresentFile } from '../../evidence/schema.js';
import type { PathFrom } from '../../profiles/schema.js';
import type { EvalContext, Verdict } from '../verdict.js';
import { CONTAINER_MESSAGES } from './container.js';
import { matchesGlob } from './glob.js';
import { verdictsOf, type FoundOf } from './kind.js';
import { PATH_FROM_MESSAGES, resolveFrom } from './paths-from.js';

/** Why a host file cannot be had: the messages every kind that reads files shares. */
export const FILE_MESSAGES = {
  ...CONTAINER_MESSAGES,
  ...PATH_FROM_MESSAGES,
  'file-not-collected': (d: { path: string }) => `${d.path} was not collected`,
  /** Not-applicable: "if it exists, check it", and none of the paths exists. */
  'optional-absent': (d: { paths: readonly string[] }) =>
    `${d.paths.join(', ')} ${d.paths.length === 1 ? 'does' : 'do'} not exist; the control applies only if ${d.paths.length === 1 ? 'it does' : 'one does'}`,
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
  /** Every file judged passes, of a scope named in words (globs, the folder too). */
  'judged-values': (d: { what: string; count: number; values: readonly string[] }) =>
    d.count === 0 ? `${d.what}: none` : `${d.what}: all ${d.count} pass (${d.values.join(', ')})`,
  'no-match': (d: { what: string }) =>
    `${d.what}: no file matches, so nothing is proven (a control that allows none says empty: pass)`,
} as const;

export type FileProblem = FoundOf<typeof FILE_MESSAGES>;
type JudgedProblem = FoundOf<
  Omit<
    typeof JUDGED_FILE_MESSAGES,
    'file-value' | 'file-values' | 'entries-values' | 'judged-values'
  >
>;

/** Where a file check's files are: fixed paths, or a container flag's (through its mounts). */
export interface FileSource {
  paths?: readonly string[] | undefined;
  path?: string | undefined;
  from?: PathFrom | undefined;
  optional?: boolean | undefined;
}

/** What a file-mode or file-owner check says of which files it judges. */
export interface FileScope extends FileSource {
  target: 'self' | 'entries' | 'self-and-entries';
  match?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  empty?: 'error' | 'pass' | undefined;
}

/** A verdict other than pass or fail, with what was found: a file that cannot be had, or none applies. */
export interface Unjudged<P> {
  status: 'error' | 'not-applicable';
  problem: P;
}

const NOT_APPLICABLE = new Set(['optional-absent', 'path-flag-unset-optional']);

/** The host paths a check reads: its own, or the one its `from` flag names on this node. */
export function sourcePaths(
  ctx: EvalContext,
  src: FileSource,
): readonly string[] | Unjudged<FoundOf<typeof FILE_MESSAGES>> {
  if (src.from === undefined) return src.paths ?? (src.path !== undefined ? [src.path] : []);
  const r = resolveFrom(ctx, src.from, src.optional === true);
  if ('id' in r)
    return { status: NOT_APPLICABLE.has(r.id) ? 'not-applicable' : 'error', problem: r };
  return [r.hostPath];
}

/** The scope of a check in words: `/etc/kubernetes/ssl: entries matching *.pem, except *key.pem`. */
export function scopeText(scope: FileScope, paths: readonly string[]): string {
  const where = paths.join(', ');
  if (scope.target === 'self') return where;
  const which =
    (scope.match !== undefined ? ` matching ${scope.match.join(' or ')}` : '') +
    (scope.exclude !== undefined ? `, except ${scope.exclude.join(' and ')}` : '');
  return scope.target === 'entries'
    ? `${where}: entries${which}`
    : `${where} and ${paths.length === 1 ? 'its' : 'their'} entries${which}`;
}

/** Whether an entry's name is one the check is about: matched (if it says) and not excluded. */
const chosen = (scope: FileScope, name: string): boolean =>
  (scope.match === undefined || scope.match.some((g) => matchesGlob(g, name))) &&
  (scope.exclude === undefined || !scope.exclude.some((g) => matchesGlob(g, name)));

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
 * The files a file-mode or file-owner check judges: the paths themselves (`self`), the entries of
 * each directory that its globs choose (`entries`), or both. A path that is missing (unless the
 * check is optional), unreadable or not collected is a reason for `error`: the control cannot be
 * proven, so it cannot pass; so is a scope that chooses no file, unless the check says
 * `empty: pass`. An optional check none of whose paths exists is not-applicable.
 */
function judgedFiles(
  ctx: EvalContext,
  scope: FileScope,
): { judged: Judged[]; paths: readonly string[] } | Unjudged<JudgedProblem> {
  const paths = sourcePaths(ctx, scope);
  if ('status' in paths) return paths;
  const out: Judged[] = [];
  const { target } = scope;
  let present = 0;
  let entries = 0;
  for (const path of paths) {
    const f = fileOf(ctx, path);
    if ('id' in f) {
      if (f.id === 'file-absent' && scope.optional === true) continue;
      return { status: 'error', problem: f };
    }
    present++;
    if (target !== 'entries') {
      const odd = notJudgeable(path, f);
      if (odd !== undefined) return { status: 'error', problem: odd };
      out.push({ path, file: f });
      if (target === 'self') continue;
    }
    if (f.type !== 'directory')
      return { status: 'error', problem: { id: 'not-a-directory', data: { path, type: f.type } } };
    if (f.entries === undefined)
      return { status: 'error', problem: { id: 'entries-not-collected', data: { path } } };
    const dir = path.replace(/\/+$/, '');
    for (const name of Object.keys(f.entries).sort()) {
      const e = ownValue(f.entries, name, f.entries[name]);
      const p = `${dir}/${name}`;
      if (e === undefined || !chosen(scope, name)) continue;
      // A listed entry said to be absent was not examined: earlier collectors recorded so an
      // entry whose lstat failed (a name that is not UTF-8 among them), whose mode is unknown.
      if (e.status === 'absent')
        return { status: 'error', problem: { id: 'entry-not-examined', data: { path: p } } };
      if (e.status === 'error')
        return {
          status: 'error',
          problem: { id: 'file-unreadable', data: { path: p, reason: e.reason } },
        };
      const odd = notJudgeable(p, e);
      if (odd !== undefined) return { status: 'error', problem: odd };
      out.push({ path: p, file: e });
      entries++;
    }
  }
  if (present === 0 && paths.length > 0)
    return { status: 'not-applicable', problem: { id: 'optional-absent', data: { paths } } };
  if (target !== 'self' && entries === 0 && scope.empty !== 'pass')
    return {
      status: 'error',
      problem: { id: 'no-match', data: { what: scopeText(scope, paths) } },
    };
  return { judged: out, paths };
}

type FilesFound = FoundOf<
  Pick<
    typeof JUDGED_FILE_MESSAGES,
    'file-value' | 'file-values' | 'entries-values' | 'judged-values'
  >
>;

/**
 * What was found of the judged files: the value alone for one file of the check's own, as `stat`
 * would print it; a path taken from a flag with its host path; for many, the offending ones with
 * their values, or how many were checked.
 */
function foundFiles(
  judged: readonly Judged[],
  show: (f: PresentFile) => string,
  bad: readonly Judged[],
  scope: FileScope,
  paths: readonly string[],
): FilesFound {
  const one = judged[0];
  const { target } = scope;
  if (target === 'self' && scope.from === undefined && judged.length === 1 && one !== undefined)
    return { id: 'file-value', data: { path: one.path, value: show(one.file) } };
  const values = (): string[] => {
    // The distinct values in order of first appearance: usually a few among many entries, so a
    // scan of those found beats a Set (made for every such control of every node) until many are.
    const out: string[] = [];
    let seen: Set<string> | undefined;
    for (const j of judged) {
      const v = show(j.file);
      if (seen !== undefined) {
        if (!seen.has(v)) {
          seen.add(v);
          out.push(v);
        }
      } else if (!out.includes(v)) {
        out.push(v);
        if (out.length > 16) seen = new Set(out);
      }
    }
    return out;
  };
  if (target !== 'self' && bad.length === 0) {
    if (target === 'entries' && scope.match === undefined && scope.exclude === undefined)
      return { id: 'entries-values', data: { count: judged.length, values: values() } };
    return {
      id: 'judged-values',
      data: { what: scopeText(scope, paths), count: judged.length, values: values() },
    };
  }
  const files = (target === 'self' ? judged : bad).map((j) => ({
    path: j.path,
    value: show(j.file),
  }));
  return { id: 'file-values', data: { files } };
}

/** Whether the check says more than its own fixed paths: a flag's path, globs, the folder too. */
export const scopeIsPlain = (scope: FileScope): boolean =>
  scope.from === undefined &&
  scope.match === undefined &&
  scope.exclude === undefined &&
  scope.target !== 'self-and-entries';

/** The paths a plan names: the check's own, or the flag that names one. */
export const plannedPaths = (scope: FileSource): readonly string[] =>
  scope.from !== undefined
    ? [
        `the path ${scope.from.flag} of ${scope.from.container} names${scope.from.default !== undefined ? ` (default ${scope.from.default})` : ''}`,
      ]
    : (scope.paths ?? (scope.path !== undefined ? [scope.path] : []));

/** What a failed check of the new scopes is fixed on: the offending files found, one by one. */
export function offendingPaths(found: { id: string; data: unknown } | undefined): string[] {
  if (found?.id !== 'file-values') return [];
  const files = (found.data as { files?: unknown }).files;
  if (!Array.isArray(files)) return [];
  return files.flatMap((f) =>
    typeof (f as { path?: unknown }).path === 'string' ? [(f as { path: string }).path] : [],
  );
}

const judgedVerdict = verdictsOf(JUDGED_FILE_MESSAGES);

/**
 * The verdict of a check on files' metadata (file-mode, file-owner): a pass when every judged
 * file is `ok`, each shown by its value (`show`) as `stat` prints it; an error (or what the scope
 * says of an empty or absent one) when a file cannot be judged.
 */
export function judgeFiles(
  ctx: EvalContext,
  scope: FileScope,
  expected: string,
  show: (f: PresentFile) => string,
  ok: (f: PresentFile) => boolean,
): Verdict {
  const judged = judgedFiles(ctx, scope);
  if ('problem' in judged)
    return judgedVerdict(judged.status, expected, judged.problem.id, judged.problem.data);
  const bad = judged.judged.filter((j) => !ok(j.file));
  const found = foundFiles(judged.judged, show, bad, scope, judged.paths);
  return judgedVerdict(bad.length === 0 ? 'pass' : 'fail', expected, found.id, found.data);
}
