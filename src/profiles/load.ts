import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../cli/errors.js';
import { readCompiled } from './compiled.js';
import { isProfileFolder, profileDir } from './open.js';
import {
  profileMetaSchema,
  sectionFileSchema,
  type Profile,
  type ProfileControl,
} from './schema.js';

export {
  BUILTIN_PROFILES_DIR,
  DEFAULT_PROFILE,
  listProfiles,
  openProfile,
  profileDir,
} from './open.js';

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

/**
 * The issue to report for a union none of whose branches matched (a flag check's item is a test
 * or a group of tests): the branch that came closest, the one with the fewest issues, so that a
 * misspelled operator in a test reads "unknown operator", not "invalid input". Its path is made
 * whole again (a branch's issues are relative to the union).
 */
function closest(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  // A union with a message of its own (cluster.yml's extra_args values) says it best itself.
  if (issue.code !== 'invalid_union' || issue.message !== 'Invalid input') return issue;
  let best = issue.errors[0] ?? [];
  for (const branch of issue.errors) if (branch.length < best.length) best = branch;
  const first = best[0];
  if (first === undefined) return issue;
  return closest({ ...first, path: [...issue.path, ...first.path] });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${at}`;
  }
  return `${issue.message}${at}`;
}

/** Profile sections and waivers files are tens of KB; anything this large is not one. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

/**
 * The text of a profile or waivers file: a regular file (a FIFO, a device or a folder named by
 * mistake is refused, not read forever), at most MAX_YAML_BYTES.
 */
function readSmallFile(file: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`${display(file)}: cannot read: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${display(file)}: not a regular file`);
    if (st.size > MAX_YAML_BYTES) {
      throw new InputError(`${display(file)}: larger than ${MAX_YAML_BYTES / 1024 / 1024} MiB`);
    }
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${display(file)}: cannot read: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * How deep maps and lists may nest in a profile, waivers or cluster.yml file: they need a dozen
 * levels. Deeper input is refused with its place, before anything recurses over it (the YAML
 * parser itself runs out of stack some hundreds of levels down).
 */
export const MAX_YAML_DEPTH = 100;

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

/** Reads one YAML file and validates it; errors name file:line:column and the problem. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
): { data: z.output<S>; at: (path: (string | number)[]) => string } {
  const text = readSmallFile(file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lc.linePos(first.pos[0]);
    // The parser runs out of stack on deep nesting, and says only that.
    const problem =
      first.code === 'RESOURCE_EXHAUSTION'
        ? nestedTooDeep
        : (first.message.split('\n')[0] ?? '');
    throw new InputError(`${display(file)}:${line}:${col}: ${problem}`);
  }
  const deep = tooDeep(doc);
  if (deep !== undefined) {
    const { line, col } = lc.linePos(deep.range?.[0] ?? 0);
    throw new InputError(`${display(file)}:${line}:${col}: ${nestedTooDeep}`);
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
    const first = parsed.error.issues[0];
    if (first === undefined) throw new InputError(`${display(file)}: invalid`);
    const issue = closest(first);
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
  return (isProfileFolder(nameOrDir) ? undefined : readCompiled(nameOrDir, dir)) ?? loadProfileFromYaml(dir);
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
