import { InputError } from '../cli/errors.js';
import { readInputFile } from '../cli/input-file.js';
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
  const parsed = evidenceSchema.safeParse(data, PLAIN);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const issue = first !== undefined ? closestIssue(first) : undefined;
    const path = issue !== undefined ? issuePath(issue) : '';
    const msg = issue?.message ?? 'invalid';
    throw new InputError(
      `${source}: invalid evidence at ${path === '' ? '(top level)' : path}: ${msg}`,
    );
  }
  return parsed.data;
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
