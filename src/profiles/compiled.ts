import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile } from './schema.js';

/**
 * Built-in profiles validated once at build time and stored as JSON in dist/, so a run skips
 * YAML parsing and schema validation (most of `rkecis explain`'s start-up). The JSON records a
 * hash of the YAML it came from: an edited profile that was not rebuilt is loaded from YAML.
 */
export const COMPILED_DIR = fileURLToPath(new URL('../profiles-compiled/', import.meta.url));
const FORMAT = 1;

/** SHA-256 over the YAML files of a profile folder, names included, in name order. */
export function sourceHash(dir: string): string {
  const h = createHash('sha256').update(`rkecis-profile-v${FORMAT}\n`);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    h.update(`${name}\n`).update(readFileSync(join(dir, name))).update('\n');
  }
  return h.digest('hex');
}

interface Compiled {
  hash: string;
  profile: Profile;
}

/** The compiled profile when it exists and matches its YAML, else undefined. */
export function readCompiled(name: string, dir: string): Profile | undefined {
  let compiled: Compiled;
  try {
    compiled = JSON.parse(readFileSync(join(COMPILED_DIR, `${name}.json`), 'utf8')) as Compiled;
  } catch {
    return undefined;
  }
  return compiled.hash === sourceHash(dir) ? compiled.profile : undefined;
}

export function writeCompiled(name: string, dir: string, profile: Profile): void {
  mkdirSync(COMPILED_DIR, { recursive: true });
  const file = join(COMPILED_DIR, `${name}.json`);
  const body: Compiled = { hash: sourceHash(dir), profile };
  writeFileSync(`${file}.tmp`, JSON.stringify(body));
  renameSync(`${file}.tmp`, file);
}
