import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../cli/errors.js';
import { readCompiled } from './compiled.js';
import {
  profileMetaSchema,
  sectionFileSchema,
  type Profile,
  type ProfileControl,
} from './schema.js';

/** Built-in profiles ship in the package's `profiles/` folder. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));
export const DEFAULT_PROFILE = 'rke-cis-1.3.0';

/** Names of the built-in profiles. */
export function listProfiles(): string[] {
  return readdirSync(BUILTIN_PROFILES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(BUILTIN_PROFILES_DIR, d.name, 'profile.yaml')))
    .map((d) => d.name)
    .sort();
}

/** Resolves a profile name or folder to its folder. */
export function profileDir(nameOrDir: string): string {
  if (nameOrDir.includes('/') || nameOrDir.startsWith('.')) {
    const dir = resolve(nameOrDir);
    if (!existsSync(join(dir, 'profile.yaml'))) {
      throw new InputError(`profile ${nameOrDir}: no profile.yaml in that folder`);
    }
    return dir;
  }
  const dir = join(BUILTIN_PROFILES_DIR, nameOrDir);
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(nameOrDir) || !existsSync(join(dir, 'profile.yaml'))) {
    throw new InputError(
      `unknown profile "${nameOrDir}"; built-in profiles: ${listProfiles().join(', ')}`,
    );
  }
  return dir;
}

const display = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
};

/** file:line:column of the YAML node at a schema issue's path (or the nearest existing parent). */
function locate(doc: Document, lc: LineCounter, issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) continue;
    let offset = node.range[0];
    // An unknown key points at the key itself, not the map that holds it.
    if (n === path.length && issue.code === 'unrecognized_keys' && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && issue.keys.includes(String(p.key.value)));
      if (pair !== undefined && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const { line, col } = lc.linePos(offset);
    return `${line}:${col}`;
  }
  return '1:1';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${at}`;
  }
  return `${issue.message}${at}`;
}

/** Reads one YAML file and validates it; errors name file:line:column and the problem. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
): { data: z.output<S>; at: (path: (string | number)[]) => string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${display(file)}: cannot read: ${(e as Error).message}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lc.linePos(first.pos[0]);
    throw new InputError(`${display(file)}:${line}:${col}: ${first.message.split('\n')[0] ?? ''}`);
  }
  let data: unknown;
  try {
    // Anchors and aliases are legal YAML, but a "billion laughs" expansion is refused.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${display(file)}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) throw new InputError(`${display(file)}: invalid`);
    throw new InputError(`${display(file)}:${locate(doc, lc, issue)}: ${describeIssue(issue)}`);
  }
  const at = (path: (string | number)[]): string =>
    `${display(file)}:${locate(doc, lc, { code: 'custom', path, message: '', input: undefined })}`;
  return { data: parsed.data, at };
}

/**
 * Loads a profile by built-in name or folder. A built-in profile comes from its build-time
 * compiled form when that matches the YAML; anything else is parsed and validated.
 */
export function loadProfile(nameOrDir: string): Profile {
  const dir = profileDir(nameOrDir);
  const builtin = !(nameOrDir.includes('/') || nameOrDir.startsWith('.'));
  return (builtin ? readCompiled(nameOrDir, dir) : undefined) ?? loadProfileFromYaml(dir);
}

/** Parses and validates a profile folder's YAML. */
export function loadProfileFromYaml(dir: string): Profile {
  const meta = loadYamlFile(join(dir, 'profile.yaml'), profileMetaSchema).data;
  const sections: Profile['sections'] = [];
  const controls: ProfileControl[] = [];
  const seen = new Map<string, string>();
  for (const name of meta.sections) {
    const file = join(dir, name);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new InputError(`${display(join(dir, 'profile.yaml'))}: section file ${name} does not exist`);
    }
    const { data: section, at } = loadYamlFile(file, sectionFileSchema);
    sections.push({ id: section.section, title: section.title, description: section.description });
    section.controls.forEach((c, i) => {
      const where = seen.get(c.id);
      if (where !== undefined) {
        throw new InputError(`${at(['controls', i, 'id'])}: duplicate control id ${c.id}; first at ${where}`);
      }
      if (!c.id.startsWith(`${section.section}.`)) {
        throw new InputError(`${at(['controls', i, 'id'])}: control ${c.id} is not in section ${section.section}`);
      }
      seen.set(c.id, at(['controls', i, 'id']));
      controls.push({ ...c, section: section.section });
    });
  }
  return { meta, sections, controls };
}
