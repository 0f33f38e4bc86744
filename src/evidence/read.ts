import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../cli/errors.js';
import { EVIDENCE_API_VERSION, evidenceSchema, type Evidence } from './schema.js';

/** Bundles are small (tens of KB); anything this large is not one of ours. */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;

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
  const parsed = evidenceSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    const msg =
      issue?.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : (issue?.message ?? 'invalid');
    throw new InputError(
      `${source}: invalid evidence at ${path === '' ? '(top level)' : path}: ${msg}`,
    );
  }
  return parsed.data;
}

/** Reads an evidence bundle file ("-" for stdin). */
export function readEvidence(file: string): Evidence {
  let text: string;
  try {
    if (file !== '-' && statSync(file).size > MAX_EVIDENCE_BYTES) {
      throw new InputError(
        `${file}: larger than ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB; not an evidence bundle`,
      );
    }
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new InputError(
      `${file}: cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  return parseEvidence(data, file);
}
