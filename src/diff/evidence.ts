import { flagSyntaxOf, parseFlags, showFlag } from '../engine/flags.js';
import type {
  ContainerEvidence,
  Evidence,
  FileEvidence,
  ResourceEvidence,
} from '../evidence/schema.js';
import { own } from '../evidence/own.js';
import type { EvidenceChange } from './types.js';

type Change = Omit<EvidenceChange, 'node'>;

const sortedUnion = (a: object, b: object): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

/** A value as a person reads it in a diff line: strings as they are, the rest as JSON, cut short. */
export function show(value: unknown, max = 200): string {
  const text =
    typeof value === 'string' ? value : value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function describeContainer(c: ContainerEvidence): string {
  if (c.status === 'present') return `${c.image} (${c.state.status})`;
  return c.status === 'error' ? `error: ${c.reason}` : 'absent';
}

function diffContainer(name: string, a: ContainerEvidence, b: ContainerEvidence): Change[] {
  const out: Change[] = [];
  const at = (change: Change['change'], item: string, from?: string, to?: string): void => {
    out.push({
      area: 'container',
      subject: name,
      change,
      item,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  };
  if (a.status !== 'present' && b.status === 'present')
    return [
      {
        area: 'container',
        subject: name,
        change: 'added',
        item: '',
        from: describeContainer(a),
        to: describeContainer(b),
      },
    ];
  if (a.status === 'present' && b.status !== 'present')
    return [
      {
        area: 'container',
        subject: name,
        change: 'removed',
        item: '',
        from: describeContainer(a),
        to: describeContainer(b),
      },
    ];
  if (a.status !== 'present' || b.status !== 'present') {
    if (describeContainer(a) !== describeContainer(b))
      at('changed', 'status', describeContainer(a), describeContainer(b));
    return out;
  }
  if (a.image !== b.image) at('changed', 'image', a.image, b.image);
  if (a.path !== b.path) at('changed', 'entrypoint', a.path, b.path);
  if (a.state.status !== b.state.status || a.state.running !== b.state.running) {
    at('changed', 'state', a.state.status, b.state.status);
  }
  const fa = parseFlags(a.args, flagSyntaxOf(name));
  const fb = parseFlags(b.args, flagSyntaxOf(name));
  for (const flag of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const va = fa.get(flag);
    const vb = fb.get(flag);
    if (va === vb) continue;
    if (va === undefined) at('added', flag, undefined, showFlag(flag, vb));
    else if (vb === undefined) at('removed', flag, showFlag(flag, va), undefined);
    else at('changed', flag, va, vb);
  }
  // The variables both scans collected (a profile names them; one not collected says nothing).
  const ea = a.env ?? {};
  const eb = b.env ?? {};
  for (const n of sortedUnion(ea, eb)) {
    const va = own(ea, n);
    const vb = own(eb, n);
    if (va === undefined || vb === undefined || va === vb) continue;
    const item = `env ${n}`;
    if (va === null) at('added', item, undefined, vb ?? '');
    else if (vb === null) at('removed', item, va, undefined);
    else at('changed', item, va, vb);
  }
  // Mounts, by where the container sees them, when both scans read them.
  if (a.mounts !== undefined && b.mounts !== undefined) {
    const byDest = (ms: NonNullable<typeof a.mounts>): Record<string, string> =>
      Object.fromEntries(
        ms.map((m) => [m.destination, `${m.type} ${m.source} (${m.rw ? 'rw' : 'ro'})`]),
      );
    const ma = byDest(a.mounts);
    const mb = byDest(b.mounts);
    for (const d of sortedUnion(ma, mb)) {
      const va = own(ma, d);
      const vb = own(mb, d);
      if (va === vb) continue;
      const item = `mount ${d}`;
      if (va === undefined) at('added', item, undefined, vb);
      else if (vb === undefined) at('removed', item, va, undefined);
      else at('changed', item, va, vb);
    }
  }
  return out;
}

function describeFile(f: FileEvidence): string {
  if (f.status === 'present') return `${f.type} ${f.mode} ${f.user}:${f.group}`;
  return f.status === 'error' ? `error: ${f.reason}` : 'absent';
}

const ownerOf = (f: FileEvidence & { status: 'present' }): string =>
  `${f.user}:${f.group} (${f.uid}:${f.gid})`;

function lineCount(text: string): string {
  const n = text === '' ? 0 : text.split('\n').length;
  return `${n} line${n === 1 ? '' : 's'}`;
}

function diffFiles(
  a: Record<string, FileEvidence>,
  b: Record<string, FileEvidence>,
  dir: string,
): Change[] {
  const out: Change[] = [];
  for (const name of sortedUnion(a, b)) {
    const path = dir === '' ? name : `${dir.replace(/\/$/, '')}/${name}`;
    const fa = own(a, name);
    const fb = own(b, name);
    const at = (change: Change['change'], item: string, from?: string, to?: string): void => {
      out.push({
        area: 'file',
        subject: path,
        change,
        item,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
    };
    if (fa?.status !== 'present' && fb?.status === 'present') {
      at('added', '', fa === undefined ? undefined : describeFile(fa), describeFile(fb));
      continue;
    }
    if (fa?.status === 'present' && fb?.status !== 'present') {
      at('removed', '', describeFile(fa), fb === undefined ? undefined : describeFile(fb));
      continue;
    }
    if (
      fa === undefined ||
      fb === undefined ||
      fa.status !== 'present' ||
      fb.status !== 'present'
    ) {
      // Not collected on one side, absent on one and unreadable on the other, or two errors.
      const da = fa === undefined ? 'not collected' : describeFile(fa);
      const db = fb === undefined ? 'not collected' : describeFile(fb);
      if (da !== db) at('changed', 'status', da, db);
      continue;
    }
    if (fa.type !== fb.type) at('changed', 'type', fa.type, fb.type);
    if (fa.mode !== fb.mode) at('changed', 'mode', fa.mode, fb.mode);
    if (ownerOf(fa) !== ownerOf(fb)) at('changed', 'owner', ownerOf(fa), ownerOf(fb));
    if (fa.target !== fb.target)
      at('changed', 'target', fa.target ?? '(none)', fb.target ?? '(none)');
    if (fa.content !== fb.content) {
      // Contents are shown by size only: a diff line is no place for a whole config file.
      at(
        'changed',
        'content',
        fa.content === undefined ? '(not read)' : lineCount(fa.content),
        fb.content === undefined ? '(not read)' : lineCount(fb.content),
      );
    }
    if (fa.entries !== undefined || fb.entries !== undefined) {
      out.push(...diffFiles(fa.entries ?? {}, fb.entries ?? {}, path));
    }
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Leaf paths where two JSON values differ (arrays of different length count as one change). */
export function jsonChanges(
  a: unknown,
  b: unknown,
  path = '',
): { path: string; from?: unknown; to?: unknown }[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    return sortedUnion(a, b).flatMap((k) => {
      const p = path === '' ? k : `${path}.${k}`;
      // Keys are the API's data: `constructor` is a field like any other, never a prototype's.
      if (!Object.hasOwn(a, k)) return [{ path: p, to: b[k] }];
      if (!Object.hasOwn(b, k)) return [{ path: p, from: a[k] }];
      return jsonChanges(a[k], b[k], p);
    });
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => jsonChanges(x, b[i], `${path}[${i}]`));
  }
  return [{ path, from: a, to: b }];
}

const describeResource = (r: ResourceEvidence): string =>
  r.status === 'ok' ? `${Object.keys(r.items).length} objects` : `${r.status}: ${r.reason}`;

function diffKubernetes(a: Evidence['kubernetes'], b: Evidence['kubernetes']): Change[] {
  const out: Change[] = [];
  if (a === undefined && b === undefined) return out;
  if (a?.version !== b?.version) {
    out.push({
      area: 'kubernetes',
      subject: 'version',
      change: 'changed',
      item: '',
      from: a?.version ?? '(unknown)',
      to: b?.version ?? '(unknown)',
    });
  }
  const ra = a?.resources ?? {};
  const rb = b?.resources ?? {};
  for (const kind of sortedUnion(ra, rb)) {
    const x = own(ra, kind);
    const y = own(rb, kind);
    if (x?.status !== 'ok' || y?.status !== 'ok') {
      const dx = x === undefined ? 'not collected' : describeResource(x);
      const dy = y === undefined ? 'not collected' : describeResource(y);
      if (dx !== dy)
        out.push({
          area: 'kubernetes',
          subject: kind,
          change: 'changed',
          item: 'status',
          from: dx,
          to: dy,
        });
      continue;
    }
    for (const name of sortedUnion(x.items, y.items)) {
      const subject = `${kind}/${name}`;
      if (!Object.hasOwn(x.items, name))
        out.push({ area: 'kubernetes', subject, change: 'added', item: '' });
      else if (!Object.hasOwn(y.items, name))
        out.push({ area: 'kubernetes', subject, change: 'removed', item: '' });
      else {
        for (const c of jsonChanges(own(x.items, name), own(y.items, name))) {
          out.push({
            area: 'kubernetes',
            subject,
            change: c.from === undefined ? 'added' : c.to === undefined ? 'removed' : 'changed',
            item: c.path,
            ...(c.from !== undefined ? { from: show(c.from) } : {}),
            ...(c.to !== undefined ? { to: show(c.to) } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** What differs between two evidence bundles: roles, container flags, file metadata, API objects. */
export function diffEvidence(
  a: Evidence,
  b: Evidence,
  node: string = b.node.name,
): EvidenceChange[] {
  const out: Change[] = [];
  const roles = (e: Evidence): string => [...e.roles.detected].sort().join(',') || 'none';
  if (roles(a) !== roles(b))
    out.push({
      area: 'roles',
      subject: 'roles',
      change: 'changed',
      item: '',
      from: roles(a),
      to: roles(b),
    });
  for (const name of sortedUnion(a.containers, b.containers)) {
    const ca = own(a.containers, name) ?? { status: 'absent' };
    const cb = own(b.containers, name) ?? { status: 'absent' };
    out.push(...diffContainer(name, ca, cb));
  }
  out.push(...diffFiles(a.files, b.files, ''));
  out.push(...diffKubernetes(a.kubernetes, b.kubernetes));
  return out.map((c) => ({ node, ...c }));
}
