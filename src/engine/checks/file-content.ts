import { parse } from 'yaml';
import { ownValue } from '../../evidence/own.js';
import type { Check } from '../../profiles/schema.js';
import { asText, select } from '../select.js';
import { describeTest, runTest, typeProblem } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';

type FileContentCheck = Extract<Check, { kind: 'file-content' }>;

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

/**
 * A value inside a host file (1.1.35: the first encryption provider). Every selected value must
 * pass, and at least one must be selected: an empty or foreign file does not pass, except a
 * `set: false` test, which asks for nothing to be there. A value of a type the test does not
 * compare (an object where one value is compared) is an error.
 */
export function fileContent(check: FileContentCheck, ctx: EvalContext): Verdict {
  let expected = expectedOf.get(check);
  if (expected === undefined) {
    expected = describeTest(`${check.path}: ${check.select}`, check.test);
    expectedOf.set(check, expected);
  }
  const files = ctx.evidence.files;
  const f = ownValue(files, check.path, files[check.path]);
  if (f === undefined) return errorVerdict(`${check.path} was not collected`, expected);
  if (f.status === 'absent')
    return errorVerdict(`${check.path} does not exist on this node`, expected);
  if (f.status === 'error')
    return errorVerdict(`${check.path} could not be read: ${f.reason}`, expected);
  if (f.content === undefined)
    return errorVerdict(`the content of ${check.path} was not collected`, expected);
  const doc = parsed(f.content);
  if (doc.error !== undefined)
    return errorVerdict(`${check.path} is not valid YAML: ${doc.error}`, expected);
  const found = select(doc.value, check.select);
  for (const v of found) {
    const problem = typeProblem(check.test, v);
    if (problem !== undefined)
      return errorVerdict(
        `${check.path}: ${check.select} is ${problem} (${expected}); it cannot be judged`,
        expected,
      );
  }
  const values = found.map(asText);
  if (values.length === 0) {
    // Nothing there is what `set: false` asks for; any other test has nothing to pass on.
    if (check.test.op === undefined && check.test.set !== true)
      return { status: 'pass', actual: `${check.select} not set in ${check.path}`, expected };
    return { status: 'fail', actual: `nothing at ${check.select} in ${check.path}`, expected };
  }
  const ok = values.every((v) => runTest(check.test, v));
  return {
    status: ok ? 'pass' : 'fail',
    actual: `${check.select}: ${values.map((v) => v ?? 'null').join('; ')}`,
    expected,
  };
}
