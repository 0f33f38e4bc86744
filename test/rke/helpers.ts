import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'rkecis-rke-'));

export { runMain } from '../helpers/run-main.js';

/** True when every line of `a` appears in `b` in the same order (b may have more lines). */
export function isLineSubsequence(a: string, b: string): boolean {
  const bl = b.split('\n');
  let j = 0;
  for (const line of a.split('\n')) {
    while (j < bl.length && bl[j] !== line) j++;
    if (j === bl.length) return false;
    j++;
  }
  return true;
}

/** The lines of `b` left over after matching the lines of `a` in order (what an edit added). */
export function addedLines(a: string, b: string): string[] {
  const al = a.split('\n');
  const out: string[] = [];
  let i = 0;
  for (const line of b.split('\n')) {
    if (i < al.length && al[i] === line) i++;
    else out.push(line);
  }
  return out;
}

/** A value inside parsed YAML or JSON, by keys and indexes (undefined when absent). */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}
