import type { z } from 'zod';

/**
 * Schema problems in plain words. zod's own messages are written for programmers ("Invalid
 * input: expected object, received null", "Too small: expected string to have >=1 characters");
 * every input rkecis validates (evidence bundles, profiles, waivers, cluster.yml, JSON reports)
 * is parsed with PLAIN, whose error map words each issue for the person who wrote the file.
 * A message a schema states itself ("a waiver needs a justification") takes precedence, as zod
 * gives a schema's own message precedence over a per-parse map.
 */

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;

/** What an invalid union says when no message of its own is given: `closestIssue` looks inside. */
export const NO_FORM_MATCHES = 'matches none of the forms allowed here';

const KIND: Record<string, string> = {
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
  map: 'a mapping of keys to values',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  date: 'a date',
};

const MAX_QUOTE = 80;

/** A value quoted in a message, cut short: the message is about the file, not a copy of it. */
function quote(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE - 1)}…`;
}

/** What was found where something else was expected. */
export function found(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return input === '' ? 'empty text' : `the text ${quote(input)}`;
    case 'number':
    case 'bigint':
      return `the number ${String(input)}`;
    case 'boolean':
      return String(input);
    case 'object':
      return KIND.object ?? 'a mapping';
    default:
      return typeof input;
  }
}

const oneOf = (values: readonly unknown[]): string =>
  values.length === 1
    ? quote(values[0])
    : `one of ${values.slice(0, 12).map(quote).join(', ')}${values.length > 12 ? ', ...' : ''}`;

const plural = (n: number | bigint, one: string, many = `${one}s`): string =>
  `${String(n)} ${Number(n) === 1 ? one : many}`;

function tooSmall(iss: Extract<RawIssue, { code: 'too_small' }>): string {
  const n = iss.minimum;
  switch (iss.origin) {
    case 'string':
      return Number(n) <= 1
        ? 'must not be empty'
        : `must be at least ${plural(n, 'character')} long`;
    case 'array':
    case 'set':
      return Number(n) <= 1 ? 'must not be an empty list' : `needs at least ${plural(n, 'item')}`;
    default:
      return iss.inclusive === false
        ? `must be more than ${String(n)}`
        : `must be at least ${String(n)}`;
  }
}

function tooBig(iss: Extract<RawIssue, { code: 'too_big' }>): string {
  const n = iss.maximum;
  switch (iss.origin) {
    case 'string':
      return `must be at most ${plural(n, 'character')} long`;
    case 'array':
    case 'set':
      return `can have at most ${plural(n, 'item')}`;
    default:
      return iss.inclusive === false
        ? `must be less than ${String(n)}`
        : `must be at most ${String(n)}`;
  }
}

function badFormat(iss: Extract<RawIssue, { code: 'invalid_format' }>): string {
  const what = found(iss.input);
  switch (iss.format) {
    case 'regex':
      return `${what} does not have the expected form${'pattern' in iss && typeof iss.pattern === 'string' ? ` (it must match ${iss.pattern})` : ''}`;
    case 'starts_with':
      return `${what} must start with ${quote((iss as { prefix?: string }).prefix)}`;
    case 'ends_with':
      return `${what} must end with ${quote((iss as { suffix?: string }).suffix)}`;
    case 'includes':
      return `${what} must contain ${quote((iss as { includes?: string }).includes)}`;
    default:
      return `${what} is not a valid ${iss.format}`;
  }
}

/** The plain words for one issue zod found; the path is added by `describeIssue`. */
export function plainMessage(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type': {
      const want = KIND[iss.expected] ?? iss.expected;
      return `expected ${want}, found ${found(iss.input)}`;
    }
    case 'invalid_value':
      return `expected ${oneOf(iss.values)}, found ${found(iss.input)}`;
    case 'too_small':
      return tooSmall(iss);
    case 'too_big':
      return tooBig(iss);
    case 'invalid_format':
      return badFormat(iss);
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`;
    case 'unrecognized_keys':
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map(quote).join(', ')}`;
    case 'invalid_union':
      return NO_FORM_MATCHES;
    case 'invalid_key':
      return `the key ${quote(iss.input)} is not allowed here`;
    case 'invalid_element':
      return `an element is not allowed here: ${found(iss.input)}`;
    case 'custom':
      return 'is not valid here';
  }
}

/** Parse options that word every issue plainly: `schema.safeParse(data, PLAIN)`. */
export const PLAIN = { error: plainMessage } as const;

/**
 * The issue to report for a union none of whose branches matched (a flag check's item is a test
 * or a group of tests): the branch that came closest, the one with the fewest issues, so that a
 * misspelled operator in a test reads "unknown operator", not "matches none of the forms". Its
 * path is made whole again (a branch's issues are relative to the union).
 */
export function closestIssue(issue: Issue): Issue {
  // A union with a message of its own (cluster.yml's extra_args values) says it best itself.
  if (issue.code !== 'invalid_union' || issue.message !== NO_FORM_MATCHES) return issue;
  let best = issue.errors[0] ?? [];
  for (const branch of issue.errors) if (branch.length < best.length) best = branch;
  const first = best[0];
  if (first === undefined) return issue;
  return closestIssue({ ...first, path: [...issue.path, ...first.path] });
}

/** Where an issue is: `nodes.0.port`, or '' at the top level. */
export const issuePath = (issue: Pick<Issue, 'path'>): string => issue.path.map(String).join('.');

/** The first problem of a failed parse, worded, with where it is: `expected a list (at nodes)`. */
export function describeIssue(issue: Issue): string {
  const at = issuePath(issue);
  return `${issue.message}${at !== '' ? ` (at ${at})` : ''}`;
}
