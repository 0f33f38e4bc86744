import { posix } from 'node:path';
import type { EvidenceRequirements } from '../engine/requirements.js';
import type { FileEvidence, PresentFile } from '../evidence/schema.js';
import { fileNameOf } from './file-name.js';
import { localFs, lstatOnce, type NodeFs, type NodeStat } from './node-fs.js';
import { parseIdNames } from './passwd.js';
import { redactYaml } from './redact.js';
import { readUnderRoot, resolveUnderRoot } from './root-path.js';

/** The files controls read are a few KB of YAML; anything bigger is not what a control means. */
export const MAX_CONTENT_BYTES = 1024 * 1024;
/** A directory whose entries are checked (CNI config, IPAM leases) holds tens of entries. */
export const MAX_ENTRIES = 10_000;

type Names = { users: Map<number, string>; groups: Map<number, string> };

/**
 * Metadata (and, where asked, redacted content) of the host files a profile names, read under
 * `root` with lstat semantics. Reads only; never follows a link out of the root. `root` is a
 * local folder (`--root`) or a node's filesystem over SFTP.
 */
export async function collectFiles(
  root: string | NodeFs,
  wanted: EvidenceRequirements['files'],
): Promise<Record<string, FileEvidence>> {
  return nodeFiles(root).read(wanted);
}

/**
 * One node's file reader, for wants that come in more than one batch (the profile's own paths
 * at once, the paths container flags name once the containers are inspected): each path's lstat
 * is asked once, and the owner names are read once, while the first batch's files are read.
 */
export function nodeFiles(root: string | NodeFs): {
  read(wanted: EvidenceRequirements['files']): Promise<Record<string, FileEvidence>>;
} {
  const fs = lstatOnce(typeof root === 'string' ? localFs(root) : root);
  let names: Promise<Names> | undefined;
  return {
    read: async (wanted) => {
      if (wanted.length === 0) return {};
      names ??= Promise.all([idNames(fs, '/etc/passwd'), idNames(fs, '/etc/group')]).then(
        ([users, groups]) => ({ users, groups }),
      );
      const known = names;
      const results = await Promise.all(wanted.map((w) => collectFile(fs, w, known)));
      return Object.fromEntries(wanted.map((w, i) => [w.path, results[i] as FileEvidence]));
    },
  };
}

async function collectFile(
  fs: NodeFs,
  want: EvidenceRequirements['files'][number],
  known: Promise<Names>,
): Promise<FileEvidence> {
  let real: string;
  let st: NodeStat;
  try {
    real = await resolveUnderRoot(fs, want.path);
    st = await fs.lstat(real);
  } catch (e) {
    return failure(want.path, e);
  }
  // The content and the entries are asked for before the owner names are needed.
  const content = want.content && st.type === 'file' ? readContent(fs, real, st) : undefined;
  const listed =
    want.entries && st.type === 'directory' ? listEntries(fs, real, want.path, known) : undefined;
  const file = await describe(fs, real, st, await known);
  if (listed !== undefined) {
    const list = await listed;
    if ('reason' in list) return { status: 'error', reason: list.reason };
    file.entries = list.entries;
  }
  if (want.content) {
    // A link is not followed, even inside the root: what is read must be what lstat described.
    if (content === undefined) {
      const what =
        file.type === 'symlink' ? `a symlink to ${file.target ?? '?'}` : `a ${file.type}`;
      return {
        status: 'error',
        reason: `${want.path} is ${what}, not a regular file; its content was not read`,
      };
    }
    const read = await content;
    if ('problem' in read) return { status: 'error', reason: `${want.path} ${read.problem}` };
    file.content = read.content;
  }
  return file;
}

async function describe(
  fs: NodeFs,
  real: string | Buffer,
  st: NodeStat,
  names: Names,
): Promise<PresentFile> {
  const file: PresentFile = {
    status: 'present',
    type: st.type,
    // As `stat -c %a` prints it: permission, setuid/setgid and sticky bits, in octal.
    mode: st.perm.toString(8),
    uid: st.uid,
    gid: st.gid,
    user: names.users.get(st.uid) ?? String(st.uid),
    group: names.groups.get(st.gid) ?? String(st.gid),
  };
  if (file.type === 'symlink') file.target = await fs.readlink(real).catch(() => '');
  return file;
}

async function listEntries(
  fs: NodeFs,
  real: string,
  nodePath: string,
  known: Promise<Names>,
): Promise<{ entries: Record<string, FileEvidence> } | { reason: string }> {
  let raw: Buffer[];
  try {
    raw = await fs.readdir(real);
  } catch (e) {
    return { reason: reasonOf(nodePath, e) };
  }
  if (raw.length > MAX_ENTRIES)
    return { reason: `${nodePath} has ${raw.length} entries, more than ${MAX_ENTRIES}` };
  const list = raw.map((bytes) => ({ bytes, name: fileNameOf(bytes) }));
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const dir = Buffer.from(posix.join(real, '/'));
  const shown = new Map<string, number>();
  for (const { name } of list) shown.set(name, (shown.get(name) ?? 0) + 1);
  // Entries are described, never descended into: a control checks one directory's files.
  // Each is examined by its own bytes; one that cannot be is an error, never left out: the
  // entry is there, and what it is is not known.
  const described = await Promise.all(
    list.map(async ({ bytes, name }): Promise<FileEvidence> => {
      const path = `${nodePath.replace(/\/+$/, '')}/${name}`;
      if ((shown.get(name) ?? 0) > 1)
        return {
          status: 'error',
          reason: `${path}: another entry of ${nodePath} reads as the same name (a name that is not UTF-8, written out), so neither can be told apart`,
        };
      try {
        const real = Buffer.concat([dir, bytes]);
        const st = await fs.lstat(real);
        return await describe(fs, real, st, await known);
      } catch (e) {
        return { status: 'error', reason: entryProblem(path, e) };
      }
    }),
  );
  // fromEntries makes own properties: a file named `__proto__` is an entry like any other.
  return {
    entries: Object.fromEntries(list.map((e, i) => [e.name, described[i] as FileEvidence])),
  };
}

/**
 * The file's redacted text. The filesystem opens it without following a link (a link swapped in
 * after lstat is refused, or over SFTP noticed) and re-checks its type and size on the open file.
 */
async function readContent(
  fs: NodeFs,
  real: string,
  st: NodeStat,
): Promise<{ content: string } | { problem: string }> {
  if (st.size > MAX_CONTENT_BYTES) return { problem: `is larger than ${MAX_CONTENT_BYTES} bytes` };
  let data: Buffer;
  try {
    data = await fs.readFile(real, MAX_CONTENT_BYTES, st);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ECHANGED') return { problem: 'changed while being read' };
    if (code === 'EFBIG') return { problem: `is larger than ${MAX_CONTENT_BYTES} bytes` };
    return { problem: `could not be read (${code})` };
  }
  return redactYaml(data.toString('utf8'));
}

/** The node's id -> name table; empty (so ids print as numbers) when the file is missing or unreadable. */
async function idNames(fs: NodeFs, nodePath: string): Promise<Map<number, string>> {
  try {
    return parseIdNames(await readUnderRoot(fs, nodePath, MAX_CONTENT_BYTES * 16));
  } catch {
    return new Map();
  }
}

/** Why a listed entry could not be examined: gone since the listing is a reason too. */
function entryProblem(nodePath: string, e: unknown): string {
  const code = codeOf(e);
  return code === 'ENOENT' || code === 'ENOTDIR'
    ? `${nodePath} is listed in its folder but could not be examined (no such file: removed since, or its name does not reach it)`
    : reasonOf(nodePath, e);
}

function failure(nodePath: string, e: unknown): FileEvidence {
  const code = codeOf(e);
  // ENOTDIR: a file where the path needs a directory, so the path does not exist either.
  return code === 'ENOENT' || code === 'ENOTDIR'
    ? { status: 'absent' }
    : { status: 'error', reason: reasonOf(nodePath, e) };
}

function reasonOf(nodePath: string, e: unknown): string {
  const code = codeOf(e);
  const what: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'too many levels of symbolic links',
    EIO: 'I/O error',
  };
  return `cannot read ${nodePath}: ${what[code] ?? code}`;
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
