import { parse } from 'yaml';
import { asText, select } from '../select.js';
import { describeTest, runTest, typeProblem } from '../tests.js';
import { FILE_MESSAGES, fileOf, plannedPaths, sourcePaths } from './files.js';
import { defineKind, verdictsOf, type CheckOf } from './kind.js';

type FileContentCheck = CheckOf<'file-content'>;

const expectedOf = new WeakMap<FileContentCheck, string>();

type Parsed = { value: unknown; error?: undefined } | { value?: undefined; error: string };

/**
 * Parsed file contents by text. A fleet's nodes mostly carry the same few files (the keys of
 * encryption.yaml are redacted in evidence), and parsing YAML is most of an evaluation's cost, so
 * a few recent texts keep their parse. The parse is only read (select never changes it).
 */
const parses = new Map<string, Parsed>();
const PARSE_CACHE_ENTRIES = 64;
const PARSE_CACHE_MAX_TEXT = 64 * 1024;

function parsed(text: string): Parsed {
  const hit = parses.get(text);
  if (hit !== undefined) return hit;
  let out: Parsed;
  try {
    out = { value: parse(text, { maxAliasCount: 100 }) as unknown };
  } catch (e) {
    out = { error: (e as Error).message.split('\n')[0] ?? '' };
  }
  if (text.length <= PARSE_CACHE_MAX_TEXT) {
    if (parses.size >= PARSE_CACHE_ENTRIES) {
      const oldest = parses.keys().next();
      if (oldest.done !== true) parses.delete(oldest.value);
    }
    parses.set(text, out);
  }
  return out;
}

const messages = {
  ...FILE_MESSAGES,
  'content-not-collected': (d: { path: string }) => `the content of ${d.path} was not collected`,
  'not-yaml': (d: { path: string; error: string }) => `${d.path} is not valid YAML: ${d.error}`,
  /** A selected value of a type the test does not compare; `test` is the test in words. */
  'value-type': (d: { path: string; select: string; problem: string; test: string }) =>
    `${d.path}: ${d.select} is ${d.problem} (${d.test}); it cannot be judged`,
  'not-set': (d: { path: string; select: string }) => `${d.select} not set in ${d.path}`,
  'nothing-at': (d: { path: string; select: string }) => `nothing at ${d.select} in ${d.path}`,
  'content-values': (d: { path: string; select: string; values: readonly (string | null)[] }) =>
    `${d.select}: ${d.values.map((v) => v ?? 'null').join('; ')}`,
} as const;
const verdict = verdictsOf(messages);

function expectedText(check: FileContentCheck): string {
  let expected = expectedOf.get(check);
  if (expected === undefined) {
    const where =
      check.path ?? `the file ${check.from?.flag ?? ''} of ${check.from?.container ?? ''} names`;
    expected = describeTest(`${where}: ${check.select}`, check.test);
    expectedOf.set(check, expected);
  }
  return expected;
}

/**
 * A value inside a host file (1.1.35: the first encryption provider). Every selected value must
 * pass, and at least one must be selected: an empty or foreign file does not pass, except a
 * `set: false` test, which asks for nothing to be there. A value of a type the test does not
 * compare (an object where one value is compared) is an error.
 */
export default defineKind<'file-content'>({
  messages,

  evaluate(check, ctx) {
    const expected = expectedText(check);
    const paths = sourcePaths(ctx, check);
    if ('status' in paths)
      return verdict(paths.status, expected, paths.problem.id, paths.problem.data);
    const path = paths[0] ?? '';
    const f = fileOf(ctx, path);
    if ('id' in f) {
      if (f.id === 'file-absent' && check.optional === true)
        return verdict('not-applicable', expected, 'optional-absent', { paths: [path] });
      return verdict('error', expected, f.id, f.data);
    }
    if (f.content === undefined)
      return verdict('error', expected, 'content-not-collected', { path });
    const doc = parsed(f.content);
    if (doc.error !== undefined)
      return verdict('error', expected, 'not-yaml', { path, error: doc.error });
    const found = select(doc.value, check.select);
    for (const v of found) {
      const problem = typeProblem(check.test, v);
      if (problem !== undefined)
        return verdict('error', expected, 'value-type', {
          path,
          select: check.select,
          problem,
          test: expected,
        });
    }
    if (found.length === 0) {
      // Nothing there is what `set: false` asks for; any other test has nothing to pass on.
      if (check.test.op === undefined && check.test.set !== true)
        return verdict('pass', expected, 'not-set', { path, select: check.select });
      return verdict('fail', expected, 'nothing-at', { path, select: check.select });
    }
    const values = found.map(asText);
    const ok = values.every((v) => runTest(check.test, v));
    return verdict(ok ? 'pass' : 'fail', expected, 'content-values', {
      path,
      select: check.select,
      values: values.map((v) => v ?? null),
    });
  },

  requires(check, needs) {
    if (check.from !== undefined) {
      needs.container(check.from.container, { mounts: true });
      needs.fileFrom(check.from, { content: true });
    } else if (check.path !== undefined) needs.file(check.path, { content: true });
  },

  plan: (check) => ({
    what: 'file-content',
    path: plannedPaths(check)[0] ?? '',
    want: describeTest(check.select, check.test),
  }),

  // A file that does not exist is a failure to fix (it must be written), not a blind spot. A
  // file a flag names is fixed where it is found (the path is in the found data).
  fix(check, v) {
    if (v.status === 'not-applicable') return undefined;
    if (v.status === 'error' && v.found?.id !== 'file-absent') return undefined;
    const found = (v.found?.data as { path?: unknown } | undefined)?.path;
    const path = check.path ?? (typeof found === 'string' ? found : undefined);
    return path === undefined
      ? undefined
      : { to: 'file-content', path, select: check.select, test: check.test };
  },
});
