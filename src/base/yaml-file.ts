import { isAbsolute, relative } from 'node:path';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
} from 'yaml';
import type { z } from 'zod';
import { closestIssue, describeIssue, PLAIN } from '../text/schema-issues.js';
import { InputError } from './errors.js';
import { readInputText } from './input-file.js';

/**
 * The one reader of YAML files: profile sections, waivers and cluster.yml. Each is read through
 * the input-file reader, parsed, bounded in depth and aliases, and validated by its schema; any
 * problem is one InputError naming file:line:column.
 */

/** A path relative to the working folder when it is under it, as the user most likely typed it. */
export const display = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
};

/** file:line:column of the YAML node at a schema issue's path (or the nearest existing parent). */
function locate(doc: Document, lc: LineCounter, issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) continue;
    let offset = node.range[0];
    // An unknown key points at the key itself, not the map that holds it.
    if (n === path.length && issue.code === 'unrecognized_keys' && isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && issue.keys.includes(String(p.key.value)),
      );
      if (pair !== undefined && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const { line, col } = lc.linePos(offset);
    return `${line}:${col}`;
  }
  return '1:1';
}

/** Profile sections and waivers files are tens of KB; anything this large is not one. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

/**
 * The text of a profile, waivers or cluster.yml file: a regular file (a FIFO, a device or a folder
 * named by mistake is refused, not read forever), at most MAX_YAML_BYTES.
 */
const readSmallFile = (file: string): string =>
  readInputText(file, { maxBytes: MAX_YAML_BYTES, label: display(file) });

/**
 * How deep maps and lists may nest in a profile, waivers or cluster.yml file: they need a dozen
 * levels. Deeper input is refused with its place, before anything recurses over it (the YAML
 * parser itself runs out of stack some hundreds of levels down).
 */
export const MAX_YAML_DEPTH = 100;

/** Values a small file's aliases may always expand to, however short its text. */
const MIN_EXPANSION = 10_000;

const nestedTooDeep = `nested deeper than ${MAX_YAML_DEPTH} levels of maps and lists`;

/** The first map or list nested deeper than MAX_YAML_DEPTH, if any (iterative: any depth is safe to measure). */
function tooDeep(doc: Document): { range?: [number, number, number] | null } | undefined {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_YAML_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * How many values the document stands for once every alias is expanded, as a consumer that
 * walks the data (the schema's validation) meets them: each scalar, map, list and pair counts
 * one, and an alias counts as much as the node it names. Counted in one walk in document order,
 * each anchored node's size kept, so it costs as much as the text, whatever the expansion. An
 * alias inside the node it names (a cycle) is refused: no validation could end on it.
 */
function expandedSize(doc: Document): number | 'cycle' {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const found = { cycle: false };
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 1; // unresolved: the parser's own error names it
      if (open.has(target)) found.cycle = true;
      return sizes.get(target) ?? 1;
    }
    const anchor = (node as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node);
    let n = 1;
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      for (const item of node.items)
        n += isPair(item) ? 1 + size(item.key) + size(item.value) : size(item);
      open.delete(node);
    }
    sizes.set(node, n);
    return n;
  };
  const total = size(doc.contents);
  return found.cycle ? 'cycle' : total;
}

/**
 * Reads one YAML file and validates it; errors name file:line:column and the problem. `prepare`
 * may adjust the parsed document before it becomes data (cluster.yml keeps some scalars' text).
 */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  prepare?: (doc: Document) => void,
): { data: z.output<S>; at: (path: (string | number)[]) => string } {
  const text = readSmallFile(file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lc.linePos(first.pos[0]);
    // The parser runs out of stack on deep nesting, and says only that.
    const problem =
      first.code === 'RESOURCE_EXHAUSTION' ? nestedTooDeep : (first.message.split('\n')[0] ?? '');
    throw new InputError(`${display(file)}:${line}:${col}: ${problem}`);
  }
  const deep = tooDeep(doc);
  if (deep !== undefined) {
    const { line, col } = lc.linePos(deep.range?.[0] ?? 0);
    throw new InputError(`${display(file)}:${line}:${col}: ${nestedTooDeep}`);
  }
  prepare?.(doc);
  // Anchors and aliases are legal YAML, but a "billion laughs" expansion is refused: what the
  // document stands for, aliases expanded, may not outgrow its text (a value per character). The
  // YAML library's own bound counts a list of scalars as one however long, and at its default
  // refused a 500-node cluster.yml whose nodes share one anchored role list, as YAML writers
  // emit it (RKE's own parser takes it).
  const expanded = expandedSize(doc);
  if (expanded === 'cycle')
    throw new InputError(`${display(file)}: an alias refers to the node that holds it (a cycle)`);
  if (expanded > Math.max(MIN_EXPANSION, text.length))
    throw new InputError(
      `${display(file)}: its aliases expand to ${expanded} values from ${text.length} characters of text, which is refused as a resource exhaustion attack (a "billion laughs")`,
    );
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    throw new InputError(`${display(file)}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(data, PLAIN);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    if (first === undefined) throw new InputError(`${display(file)}: invalid`);
    const issue = closestIssue(first);
    throw new InputError(`${display(file)}:${locate(doc, lc, issue)}: ${describeIssue(issue)}`);
  }
  const at = (path: (string | number)[]): string =>
    `${display(file)}:${locate(doc, lc, { code: 'custom', path, message: '', input: undefined })}`;
  return { data: parsed.data, at };
}
