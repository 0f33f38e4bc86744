import type { LaterGuideControl } from './later-guide.js';

/** One guide's controls under a short name ("v2.3"). */
export interface NamedGuide {
  name: string;
  controls: LaterGuideControl[];
}

/** The fields compared; list fields give one string per item, so count and order count. */
const FIELDS: Record<string, (c: LaterGuideControl) => string[]> = {
  title: (c) => [c.title],
  scoring: (c) => [c.scoring ?? '(none)'],
  result: (c) => [c.result ?? '(none)'],
  audit: (c) =>
    c.audits.map((a) => `${a.kind}${a.label ? ' ' + a.label : ''}: ${shortCommand(a.command)}`),
  expected: (c) => c.expected.map((v) => v.text),
  returned: (c) => c.returned.map((v) => v.text),
  remediation: (c) => (c.remediation === null ? [] : [c.remediation]),
  notes: (c) => c.notes.map((n) => `${n.kind ?? '(no label)'}: ${n.text}`),
};

const SHORT = 140;

/** A script (more than three lines) as its length and a checksum, so equal scripts read equal. */
function shortCommand(command: string | null): string {
  if (command === null) return '(no block)';
  const lines = command.split('\n');
  if (lines.length <= 3) return command;
  let sum = 0;
  for (let i = 0; i < command.length; i++) sum = (sum * 31 + command.charCodeAt(i)) % 1_000_003;
  return `(${lines.length}-line script, checksum ${sum})`;
}
const TOKENS = 8;

/** A control's key: its number, or its title where it has none. */
const keyOf = (c: LaterGuideControl): string => c.id ?? `(no number) ${c.title}`;

/** A markdown code span of the text on one line (⏎ for a line break), fenced past its backticks. */
export function quote(s: string, max = SHORT): string {
  let one = s.replace(/\n/g, '⏎');
  if (one === '') return '(empty)';
  if (one.length > max) one = one.slice(0, max - 1) + '…';
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || one.startsWith(' ') || one.endsWith(' ') ? ' ' : '';
  return fence + pad + one + pad + fence;
}

/** Words one side has more often than the other. */
function onlyIn(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const w of b) left.set(w, (left.get(w) ?? 0) + 1);
  const out: string[] = [];
  for (const w of a) {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    else out.push(w);
  }
  return out;
}

const words = (ws: string[]): string =>
  ws.length === 0
    ? 'nothing'
    : ws
        .slice(0, TOKENS)
        .map((w) => quote(w, 60))
        .join(' ') + (ws.length > TOKENS ? ` (+${ws.length - TOKENS} more)` : '');

/** Both values when short; otherwise the words only one side has. */
function describe(a: string, b: string): string {
  if (a.length <= SHORT && b.length <= SHORT) return `${quote(a)} → ${quote(b)}`;
  const wa = a.split(/\s+/).filter(Boolean);
  const wb = b.split(/\s+/).filter(Boolean);
  const lost = onlyIn(wa, wb);
  const gained = onlyIn(wb, wa);
  if (lost.length === 0 && gained.length === 0) {
    return wa.join(' ') === wb.join(' ')
      ? 'same words; spacing or line breaks differ'
      : 'same words in another order';
  }
  return `words only before: ${words(lost)}; only after: ${words(gained)}`;
}

/** How two lists of items differ: item by item when both have as many, else what came and went. */
function describeList(a: string[], b: string[]): string {
  if (a.length === b.length) {
    const parts: string[] = [];
    a.forEach((x, i) => {
      const y = b[i] ?? '';
      if (x !== y) parts.push((a.length > 1 ? `#${i + 1} ` : '') + describe(x, y));
    });
    return parts.join('; ');
  }
  const gone = onlyIn(a, b);
  const came = onlyIn(b, a);
  const show = (xs: string[]): string =>
    xs.length === 0 ? 'nothing' : xs.map((x) => quote(x)).join(', ');
  return `${a.length} → ${b.length} item(s); dropped ${show(gone)}; added ${show(came)}`;
}

/** Markdown lines: per control of either guide, the fields that differ from `a` to `b`. */
export function diffGuides(a: NamedGuide, b: NamedGuide): string[] {
  const inB = new Map(b.controls.map((c) => [keyOf(c), c]));
  const inA = new Map(a.controls.map((c) => [keyOf(c), c]));
  // Controls whose differences read the same are listed together.
  const groups = new Map<string, string[]>();
  const rows: string[] = [];
  for (const ca of a.controls) {
    const key = keyOf(ca);
    const cb = inB.get(key);
    if (!cb) {
      rows.push(`- ${key} (${a.name} line ${ca.line}): only in ${a.name}`);
      continue;
    }
    const diffs: string[] = [];
    for (const [field, get] of Object.entries(FIELDS)) {
      const va = get(ca);
      const vb = get(cb);
      if (va.join('\u0000') !== vb.join('\u0000') || va.length !== vb.length) {
        diffs.push(`  - ${field}: ${describeList(va, vb)}`);
      }
    }
    if (diffs.length === 0) continue;
    const body = diffs.join('\n');
    const list = groups.get(body) ?? [];
    if (list.length === 0) groups.set(body, list);
    list.push(`${key} (${ca.line}→${cb.line})`);
  }
  for (const [body, keys] of groups) rows.push(`- ${keys.join(', ')}:`, body);
  for (const cb of b.controls) {
    const key = keyOf(cb);
    if (!inA.has(key)) rows.push(`- ${key} (${b.name} line ${cb.line}): only in ${b.name}`);
  }
  const shared = (x: NamedGuide): string =>
    x.controls
      .map(keyOf)
      .filter((k) => inA.has(k) && inB.has(k))
      .join('\n');
  if (shared(a) !== shared(b)) rows.unshift('- the shared controls come in another order');
  if (rows.length === 0) rows.push('- no differences');
  return [
    `### ${a.name} → ${b.name}`,
    '',
    '(control (line in the first guide→line in the second): fields that differ)',
    '',
    ...rows,
    '',
  ];
}
