import { InputError } from '../base/errors.js';
import { readInputFile } from '../base/input-file.js';
import { EVIDENCE_API_VERSION, evidenceSchema, type Evidence } from './schema.js';
import { closestIssue, issuePath, PLAIN } from '../text/schema-issues.js';

/** Bundles are small (tens of KB); anything this large is not one of ours. */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;

/**
 * A bundle's deepest legitimate nesting is a PodSecurityPolicy's fields, a dozen levels down.
 * Deeper input is refused before validation, which (like JSON.stringify when a scan is saved)
 * recurses once per level and would otherwise end in a stack overflow.
 */
export const MAX_EVIDENCE_DEPTH = 100;

/** Whether a parsed JSON value nests deeper than `limit` (iterative: any depth is safe to measure). */
export function nestedDeeperThan(data: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[data, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, depth] = top;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The records of a bundle whose keys are user data (container names, host paths, the entries of a
 * folder at any depth, resource kinds, Kubernetes object names), each with its parent and key.
 */
function dataRecords(data: Json): [Json, string, Json][] {
  const out: [Json, string, Json][] = [];
  const add = (parent: Json, key: string): Json | undefined => {
    const v = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (!isRecord(v)) return undefined;
    out.push([parent, key, v]);
    return v;
  };
  const containers = add(data, 'containers');
  // Environment variables, by the names profiles give them (`__proto__` is a valid name).
  for (const c of containers === undefined ? [] : Object.values(containers))
    if (isRecord(c)) add(c, 'env');
  const files = add(data, 'files');
  // Folders' entries, breadth first (iterative: depth is refused before, not measured here).
  const folders = files === undefined ? [] : Object.values(files);
  for (let i = 0; i < folders.length; i++) {
    const f = folders[i];
    const entries = isRecord(f) ? add(f, 'entries') : undefined;
    if (entries !== undefined) folders.push(...Object.values(entries));
  }
  const k8s = isRecord(data.kubernetes) ? data.kubernetes : undefined;
  const resources = k8s === undefined ? undefined : add(k8s, 'resources');
  for (const r of resources === undefined ? [] : Object.values(resources))
    if (isRecord(r)) add(r, 'items');
  return out;
}

/**
 * zod's records drop a key named `__proto__` (so that no record it builds gets its prototype set
 * by one), but in evidence keys are user data: a file named `__proto__` in a CNI folder vanished
 * between a bundle and its verdict, and a world-writable one passed. Such keys are validated under
 * a stand-in name no key of the bundle has, and put back after as own keys (of an object without a
 * prototype). The rest of the bundle is validated as it is, in one pass.
 */
/** The start of the name a `__proto__` key is validated under (see withProtoKeys). */
const STAND_IN = '\u0000__proto__';

function withProtoKeys(data: Json, validate: (d: Json) => Evidence): Evidence {
  const records = dataRecords(data);
  if (!records.some(([, , r]) => Object.hasOwn(r, '__proto__'))) return validate(data);
  let standIn = STAND_IN;
  while (records.some(([, , r]) => Object.hasOwn(r, standIn))) standIn += '\u0000';
  // A copy with the keys renamed: the caller's data is left as it was.
  const copy = structuredClone(data);
  const rename = (r: Json, from: string, to: string): Json => {
    const out = Object.create(null) as Json;
    for (const k of Object.keys(r)) out[k === from ? to : k] = r[k];
    return out;
  };
  for (const [parent, key, r] of dataRecords(copy))
    if (Object.hasOwn(r, '__proto__')) parent[key] = rename(r, '__proto__', standIn);
  const evidence = validate(copy);
  for (const [parent, key, r] of dataRecords(evidence))
    if (Object.hasOwn(r, standIn)) parent[key] = rename(r, standIn, '__proto__');
  return evidence;
}

/** Validates parsed JSON as evidence; the message names the input, the field and the problem. */
export function parseEvidence(data: unknown, source: string): Evidence {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`${source}: not an evidence bundle (expected a JSON object)`);
  }
  const version = (data as { apiVersion?: unknown }).apiVersion;
  if (version !== EVIDENCE_API_VERSION) {
    throw new InputError(
      `${source}: unsupported evidence apiVersion ${version === undefined ? 'undefined' : JSON.stringify(version)}; this rkecis reads ${EVIDENCE_API_VERSION}`,
    );
  }
  if (nestedDeeperThan(data, MAX_EVIDENCE_DEPTH)) {
    throw new InputError(
      `${source}: nested deeper than ${MAX_EVIDENCE_DEPTH} levels; not an evidence bundle`,
    );
  }
  return withProtoKeys(data as Json, (d) => {
    const parsed = evidenceSchema.safeParse(d, PLAIN);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    const issue = first !== undefined ? closestIssue(first) : undefined;
    // A stand-in (see withProtoKeys) is shown as the key it stands for.
    const path =
      issue !== undefined
        ? issuePath({
            path: issue.path.map((p) => (String(p).startsWith(STAND_IN) ? '__proto__' : p)),
          })
        : '';
    const msg = issue?.message ?? 'invalid';
    throw new InputError(
      `${source}: invalid evidence at ${path === '' ? '(top level)' : path}: ${msg}`,
    );
  });
}

/**
 * The bytes of a bundle: a regular file, or stdin, at most MAX_EVIDENCE_BYTES. A FIFO, a device
 * or a folder named by mistake is refused rather than read forever.
 */
const readBundle = (file: string): Buffer =>
  readInputFile(file, {
    maxBytes: MAX_EVIDENCE_BYTES,
    expected: 'an evidence bundle',
    stdin: true,
  });

/**
 * The parser's complaint, without the input text it quotes (a file given by mistake may hold a
 * secret, and its bytes may be control characters), with a position where the parser gives one.
 */
function jsonProblem(text: string, e: Error): string {
  const at =
    /^(.*?) in JSON at position (\d+)/.exec(e.message) ??
    /^(.*?) at position (\d+)/.exec(e.message);
  if (at !== null) {
    const before = text.slice(0, Number(at[2]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `${at[1] ?? ''} at line ${line}, column ${column}`;
  }
  const token = /^Unexpected token '([\s\S])'/.exec(e.message)?.[1];
  if (token !== undefined) {
    const cp = token.codePointAt(0) ?? 0;
    const shown = cp >= 0x21 && cp <= 0x7e ? `'${token}' ` : '';
    return `unexpected character ${shown}(U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  if (/Unexpected end of JSON input/.test(e.message)) return 'it ends too early (truncated?)';
  return 'it does not parse';
}

/** Reads an evidence bundle file ("-" for stdin). */
export function readEvidence(file: string): Evidence {
  const text = readBundle(file).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${jsonProblem(text, e as Error)}`);
  }
  return parseEvidence(data, file);
}
