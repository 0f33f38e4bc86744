import { isDeepStrictEqual } from 'node:util';
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/**
 * Edits to a cluster.yml that keep every other byte of it: the yaml library's Document finds
 * where each key is (its source ranges), and the text is spliced there, so comments, blank
 * lines, quoting and key order of everything else survive exactly. Only block style is spliced;
 * a flow collection that must change is rewritten in flow style, on its own span.
 */
export type YamlEdit =
  | { op: 'set'; path: string[]; value: string | boolean }
  | { op: 'delete'; path: string[] }
  | { op: 'append'; path: string[]; value: string };

type Range = [number, number, number];
const rangeOf = (n: unknown): Range | undefined =>
  (n as { range?: Range | null } | null)?.range ?? undefined;

const lineStart = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;
const lineEnd = (text: string, pos: number): number => {
  const i = text.indexOf('\n', pos);
  if (i === -1) return text.length;
  return text[i - 1] === '\r' ? i - 1 : i;
};
const column = (text: string, pos: number): number => pos - lineStart(text, pos);

/** A YAML scalar for a value: booleans plain, strings double-quoted (a JSON string is valid YAML). */
export const renderValue = (v: string | boolean): string =>
  typeof v === 'boolean' ? String(v) : JSON.stringify(v);

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9._/-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;
export const renderKey = (k: string): string =>
  PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);

/** Block lines for keys[0]: keys[1]: ... : leaf, at an indentation. */
function blockLines(
  keys: string[],
  leaf: { value: string | boolean; item: boolean },
  indent: number,
): string[] {
  const lines: string[] = [];
  keys.forEach((k, i) => {
    const pad = ' '.repeat(indent + 2 * i);
    const last = i === keys.length - 1;
    if (last && !leaf.item) lines.push(`${pad}${renderKey(k)}: ${renderValue(leaf.value)}`);
    else lines.push(`${pad}${renderKey(k)}:`);
  });
  if (leaf.item)
    lines.push(`${' '.repeat(indent + 2 * (keys.length - 1) + 2)}- ${renderValue(leaf.value)}`);
  return lines;
}

/** The same, in flow style: {a: {b: "v"}} or {a: ["v"]}. */
function flowText(keys: string[], leaf: { value: string | boolean; item: boolean }): string {
  let inner = leaf.item ? `[${renderValue(leaf.value)}]` : renderValue(leaf.value);
  for (let i = keys.length - 1; i >= 1; i--) inner = `{ ${renderKey(keys[i] ?? '')}: ${inner} }`;
  return `${renderKey(keys[0] ?? '')}: ${inner}`;
}

const splice = (text: string, from: number, to: number, insert: string): string =>
  text.slice(0, from) + insert + text.slice(to);

const findPair = (map: YAMLMap, key: string): Pair | undefined =>
  map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);

/** Where a block collection's last entry ends: the end of its last line (after a trailing comment). */
function afterLastEntry(text: string, node: Node): number {
  const r = rangeOf(node);
  if (r === undefined) throw new Error('a YAML node without a source range');
  let p = r[1];
  while (p > r[0] && /\s/.test(text[p - 1] ?? '')) p--;
  return lineEnd(text, p - 1 < r[0] ? r[0] : p - 1);
}

/** Adds keys (nested) to an existing map. */
function insertIntoMap(
  text: string,
  map: YAMLMap,
  keys: string[],
  leaf: { value: string | boolean; item: boolean },
): string {
  const r = rangeOf(map);
  if (r === undefined) throw new Error('a YAML map without a source range');
  if (map.flow === true) {
    const pairs = map.items.map((p) => {
      const k = rangeOf(p.key);
      const v = rangeOf(p.value);
      return k === undefined ? '' : text.slice(k[0], (v ?? k)[1]).trim();
    });
    return splice(
      text,
      r[0],
      r[1],
      `{ ${[...pairs.filter((s) => s !== ''), flowText(keys, leaf)].join(', ')} }`,
    );
  }
  const first = map.items[0];
  const firstKey = rangeOf(first?.key);
  if (first === undefined || firstKey === undefined) throw new Error('an empty block map');
  const indent = column(text, firstKey[0]);
  const at = afterLastEntry(text, map);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  return splice(text, at, at, nl + blockLines(keys, leaf, indent).join(nl));
}

/** Gives a key whose value is null (`key:` or `key: ~`) a nested value. */
function fillNull(
  text: string,
  pair: Pair,
  keys: string[],
  leaf: { value: string | boolean; item: boolean },
): string {
  const k = rangeOf(pair.key);
  if (k === undefined) throw new Error('a YAML key without a source range');
  const v = rangeOf(pair.value);
  let t = text;
  if (v !== undefined && v[1] > v[0]) {
    let from = v[0];
    while (from > 0 && t[from - 1] === ' ') from--;
    t = splice(t, from, v[1], '');
  }
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  if (keys.length === 0) {
    if (leaf.item) {
      const at = lineEnd(t, k[0]);
      return splice(
        t,
        at,
        at,
        nl + `${' '.repeat(column(t, k[0]) + 2)}- ${renderValue(leaf.value)}`,
      );
    }
    const colon = t.indexOf(':', k[1]);
    return splice(t, colon + 1, colon + 1, ` ${renderValue(leaf.value)}`);
  }
  const at = lineEnd(t, k[0]);
  return splice(t, at, at, nl + blockLines(keys, leaf, column(t, k[0]) + 2).join(nl));
}

function appendToSeq(text: string, seq: YAMLSeq, value: string): string {
  const r = rangeOf(seq);
  if (r === undefined) throw new Error('a YAML sequence without a source range');
  if (seq.flow === true) {
    const items = seq.items.map((i) => {
      const ir = rangeOf(i);
      return ir === undefined ? '' : text.slice(ir[0], ir[1]).trim();
    });
    return splice(
      text,
      r[0],
      r[1],
      `[${[...items.filter((s) => s !== ''), renderValue(value)].join(', ')}]`,
    );
  }
  const first = seq.items[0];
  const fr = rangeOf(first);
  if (fr === undefined) throw new Error('an empty block sequence');
  const dash = text.lastIndexOf('-', fr[0]);
  const indent = column(text, dash);
  const at = afterLastEntry(text, seq);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  return splice(text, at, at, `${nl}${' '.repeat(indent)}- ${renderValue(value)}`);
}

function deletePair(text: string, map: YAMLMap, pair: Pair): string {
  if (map.flow === true) {
    const r = rangeOf(map);
    if (r === undefined) throw new Error('a YAML map without a source range');
    const pairs = map.items
      .filter((p) => p !== pair)
      .map((p) => {
        const k = rangeOf(p.key);
        const v = rangeOf(p.value);
        return k === undefined ? '' : text.slice(k[0], (v ?? k)[1]).trim();
      });
    return splice(text, r[0], r[1], `{ ${pairs.join(', ')} }`);
  }
  const k = rangeOf(pair.key);
  if (k === undefined) throw new Error('a YAML key without a source range');
  const from = lineStart(text, k[0]);
  let p = (rangeOf(pair.value) ?? k)[1];
  while (p > k[0] && /\s/.test(text[p - 1] ?? '')) p--;
  const end = lineEnd(text, p - 1);
  return splice(text, from, Math.min(text.length, end + 1), '');
}

/** Applies one edit to the text; the text must hold a YAML mapping at the top. */
export function applyEdit(text: string, edit: YamlEdit): string {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  let map: unknown = doc.contents;
  if (!isMap(map)) throw new Error('the document is not a YAML mapping');
  const leaf = { value: edit.op === 'delete' ? '' : edit.value, item: edit.op === 'append' };
  for (let i = 0; i < edit.path.length; i++) {
    const key = edit.path[i] ?? '';
    const rest = edit.path.slice(i);
    const m = map as YAMLMap;
    const pair = findPair(m, key);
    if (pair === undefined) return edit.op === 'delete' ? text : insertIntoMap(text, m, rest, leaf);
    const last = i === edit.path.length - 1;
    const v = pair.value;
    const isNull = v === null || v === undefined || (isScalar(v) && v.value === null);
    if (last) {
      if (edit.op === 'delete') return deletePair(text, m, pair);
      if (isNull) return fillNull(text, pair, [], leaf);
      if (edit.op === 'append') {
        if (!isSeq(v)) throw new Error(`${edit.path.join('.')} is not a list`);
        return appendToSeq(text, v, edit.value);
      }
      if (!isScalar(v)) throw new Error(`${edit.path.join('.')} is not a scalar`);
      const r = rangeOf(v);
      if (r === undefined) throw new Error('a YAML scalar without a source range');
      return splice(text, r[0], r[1], renderValue(edit.value));
    }
    if (isNull)
      return edit.op === 'delete' ? text : fillNull(text, pair, edit.path.slice(i + 1), leaf);
    if (!isMap(v)) throw new Error(`${edit.path.slice(0, i + 1).join('.')} is not a mapping`);
    map = v;
  }
  return text;
}

/** The same edits on plain data: what the edited text must parse to. */
export function applyToData(data: unknown, edits: readonly YamlEdit[]): unknown {
  const root = structuredClone(data) as Record<string, unknown>;
  for (const e of edits) {
    let node: Record<string, unknown> | undefined = root;
    for (const k of e.path.slice(0, -1)) {
      const next: unknown = node[k];
      if (next === null || next === undefined || typeof next !== 'object' || Array.isArray(next)) {
        if (e.op === 'delete') {
          node = undefined;
          break;
        }
        node[k] = {};
      }
      node = node[k] as Record<string, unknown>;
    }
    if (node === undefined) continue;
    const last = e.path.at(-1) ?? '';
    if (e.op === 'set') node[last] = e.value;
    else if (e.op === 'delete') Reflect.deleteProperty(node, last);
    else {
      const cur = node[last];
      node[last] = Array.isArray(cur) ? [...(cur as unknown[]), e.value] : [e.value];
    }
  }
  return root;
}

/** The yaml library's own rewrite (keeps comments, not every byte): the fallback. */
function viaDocument(text: string, edits: readonly YamlEdit[]): string {
  const doc: Document = parseDocument(text);
  for (const e of edits) {
    if (e.op === 'set') doc.setIn(e.path, e.value);
    else if (e.op === 'delete') doc.deleteIn(e.path);
    else {
      const cur = doc.getIn(e.path);
      if (isSeq(cur)) cur.add(doc.createNode(e.value));
      else doc.setIn(e.path, doc.createNode([e.value]));
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * Applies the edits, splicing text; checks the result parses to exactly the edited data. Where
 * splicing cannot (an unusual layout), the yaml library rewrites the document instead and
 * `exact` is false.
 */
export function editYaml(
  text: string,
  edits: readonly YamlEdit[],
): { text: string; exact: boolean } {
  const want = applyToData(parseDocument(text).toJS(), edits);
  try {
    let t = text;
    for (const e of edits) t = applyEdit(t, e);
    const doc = parseDocument(t, { uniqueKeys: true });
    if (doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), want))
      return { text: t, exact: true };
  } catch {
    // fall through to the library's rewrite
  }
  const t = viaDocument(text, edits);
  if (!isDeepStrictEqual(parseDocument(t).toJS(), want))
    throw new Error('cluster.yml could not be edited');
  return { text: t, exact: false };
}
