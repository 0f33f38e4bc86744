/**
 * `JSON.stringify(value, null, 2)`, byte for byte, handed over in pieces of about CHUNK
 * characters: a cluster report of 100,000 nodes is too big to be one string (V8 caps strings at
 * 2^29 - 24 characters) and building it whole took gigabytes. Same key order (Object.keys), same
 * omission of undefined, function and symbol members (null in arrays), same escaping (each string
 * and key goes through JSON.stringify), toJSON honoured, a cycle a TypeError.
 *
 * A JsonSequence is written as an array whose items are made only as they are written, so a
 * formatter can describe a document with millions of entries (SARIF's one result per failing node)
 * without holding them; JSON.stringify writes it as the same array, through its toJSON.
 */
export class JsonSequence<T = unknown> {
  readonly #items: () => Iterable<T>;

  constructor(items: () => Iterable<T>) {
    this.#items = items;
  }

  items(): Iterable<T> {
    return this.#items();
  }

  toJSON(): T[] {
    return [...this.#items()];
  }
}

/** An array made as it is written (see JsonSequence). */
export const jsonSequence = <T>(items: () => Iterable<T>): JsonSequence<T> =>
  new JsonSequence(items);

const CHUNK = 64 * 1024;
const STEP = '  ';
const pads: string[] = [''];
const pad = (depth: number): string => (pads[depth] ??= STEP.repeat(depth));

interface Sink {
  text: string;
  /** Containers being written, for JSON.stringify's TypeError on a cycle. */
  open: Set<object>;
  /**
   * Short keys and list items already quoted: a cluster report names each node in every
   * result's map and lists, and looking a name up (its hash kept) costs less than escaping it
   * again. Member values are not remembered: they seldom repeat (SARIF's messages and
   * fingerprints are one per node and control), and remembering them all would cost memory.
   */
  quoted: Map<string, string>;
}

/** Strings remembered quoted: at most this long, and at most this many (about 20 MB). */
const SHORT = 128;
const REMEMBERED = 1 << 17;

function quote(s: string, sink: Sink): string {
  let q = sink.quoted.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (s.length <= SHORT && sink.quoted.size < REMEMBERED) sink.quoted.set(s, q);
  }
  return q;
}

/** A member's value as JSON.stringify sees it: toJSON called, wrapped primitives unwrapped. */
function resolve(value: unknown, key: string | number): unknown {
  if (typeof value !== 'object' || value === null || value instanceof JsonSequence) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // An array item's key is its index as a string, as JSON.stringify passes it.
    const v: unknown = toJSON.call(value, String(key));
    if (typeof v !== 'object' || v === null || v instanceof JsonSequence) return v;
    value = v;
  }
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  return value;
}

/** Undefined, functions and symbols have no JSON: left out of objects, null in arrays. */
const absent = (v: unknown): boolean =>
  v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** A list item that is not a container, as JSON (strings, numbers, booleans, null; BigInt throws). */
const listItem = (v: unknown, sink: Sink): string =>
  typeof v === 'string' ? quote(v, sink) : JSON.stringify(v);

const container = (v: unknown): v is object => typeof v === 'object' && v !== null;

function* write(value: object, depth: number, sink: Sink): Generator<string, void, undefined> {
  if (sink.open.has(value)) throw new TypeError('Converting circular structure to JSON');
  sink.open.add(value);
  // Strings joined with + rather than nested templates: this loop runs once per node and result.
  const inner = `\n${pad(depth + 1)}`;
  const next = `,${inner}`;
  let first = true;
  if (Array.isArray(value) || value instanceof JsonSequence) {
    sink.text += '[';
    const items: Iterable<unknown> = value instanceof JsonSequence ? value.items() : value;
    let i = 0;
    for (const item of items) {
      const v = resolve(item, i++);
      sink.text += first ? inner : next;
      first = false;
      if (container(v)) yield* write(v, depth + 1, sink);
      else sink.text += absent(v) ? 'null' : listItem(v, sink);
      if (sink.text.length >= CHUNK) {
        yield sink.text;
        sink.text = '';
      }
    }
    sink.text += first ? ']' : `\n${pad(depth)}]`;
  } else {
    sink.text += '{';
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = resolve(record[key], key);
      if (absent(v)) continue;
      sink.text += (first ? inner : next) + quote(key, sink) + ': ';
      first = false;
      if (container(v)) yield* write(v, depth + 1, sink);
      else sink.text += JSON.stringify(v);
      if (sink.text.length >= CHUNK) {
        yield sink.text;
        sink.text = '';
      }
    }
    sink.text += first ? '}' : `\n${pad(depth)}}`;
  }
  sink.open.delete(value);
}

/**
 * The pieces of `JSON.stringify(value, null, 2)`; none for a value JSON.stringify gives
 * undefined for (undefined, a function, a symbol).
 */
export function* jsonChunks(value: unknown): Generator<string, void, undefined> {
  const v = resolve(value, '');
  if (absent(v)) return;
  if (!container(v)) {
    yield JSON.stringify(v);
    return;
  }
  const sink: Sink = { text: '', open: new Set(), quoted: new Map() };
  yield* write(v, 0, sink);
  if (sink.text !== '') yield sink.text;
}
