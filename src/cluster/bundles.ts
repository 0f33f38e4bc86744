import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../cli/errors.js';
import { readEvidence } from '../evidence/read.js';
import type { Evidence } from '../evidence/schema.js';
import { systemReason } from '../text/system-error.js';

export type BundleRead = { file: string; evidence: Evidence } | { file: string; problem: string };

/** The bundle files of a folder: its `*.json` files, by name. Not recursive. */
export function bundleFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(`--bundles ${dir}: not a folder`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`--bundles ${dir}: ${systemReason(e, 'no such folder')}`);
  }
  const files = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
  if (files.length === 0) {
    throw new InputError(
      `--bundles ${dir}: no *.json bundles in it (write them with rkecis collect --output DIR/NODE.json)`,
    );
  }
  return files;
}

/**
 * Reads the bundles one at a time (a fleet's bundles never all sit in memory). A file that is
 * not a valid bundle is handed over with the reason: the cluster report lists it by name as a
 * node that was not scanned, and the other bundles are still merged.
 */
export function* readBundles(files: readonly string[]): Generator<BundleRead> {
  for (const file of files) {
    try {
      yield { file, evidence: readEvidence(file) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The message starts with the file's path; the report names the file already.
      const msg = e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
      yield { file, problem: msg };
    }
  }
}

/** The name a bundle is listed under when it cannot be read: its file name without .json. */
export const bundleLabel = (file: string): string => basename(file).replace(/\.json$/, '');
