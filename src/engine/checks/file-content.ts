import { parse } from 'yaml';
import type { Check } from '../../profiles/schema.js';
import { asText, select } from '../select.js';
import { describeTest, runTest } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';

type FileContentCheck = Extract<Check, { kind: 'file-content' }>;

/**
 * A value inside a host file (1.1.35: the first encryption provider). Every selected value must
 * pass, and at least one must be selected: an empty or foreign file does not pass.
 */
export function fileContent(check: FileContentCheck, ctx: EvalContext): Verdict {
  const expected = describeTest(`${check.path}: ${check.select}`, check.test);
  const f = ctx.evidence.files[check.path];
  if (f === undefined) return errorVerdict(`${check.path} was not collected`, expected);
  if (f.status === 'absent')
    return errorVerdict(`${check.path} does not exist on this node`, expected);
  if (f.status === 'error')
    return errorVerdict(`${check.path} could not be read: ${f.reason}`, expected);
  if (f.content === undefined)
    return errorVerdict(`the content of ${check.path} was not collected`, expected);
  let doc: unknown;
  try {
    doc = parse(f.content, { maxAliasCount: 100 });
  } catch (e) {
    return errorVerdict(
      `${check.path} is not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`,
      expected,
    );
  }
  const values = select(doc, check.select).map(asText);
  if (values.length === 0) {
    return { status: 'fail', actual: `nothing at ${check.select} in ${check.path}`, expected };
  }
  const ok = values.every((v) => runTest(check.test, v));
  return {
    status: ok ? 'pass' : 'fail',
    actual: `${check.select}: ${values.map((v) => v ?? 'null').join('; ')}`,
    expected,
  };
}
