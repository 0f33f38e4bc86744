import type { Check } from '../../profiles/schema.js';
import { showFlag } from '../flags.js';
import { combine, describeTest, runTest } from '../tests.js';
import { errorVerdict, type EvalContext, type Verdict } from '../verdict.js';
import { containerFlags } from './container.js';

type FlagCheck = Extract<Check, { kind: 'flag' }>;

/** Container flags compared as kube-bench does, on args parsed like pflag. */
export function flag(check: FlagCheck, ctx: EvalContext): Verdict {
  const expected = check.tests
    .map((t) => describeTest(t.flag, t))
    .join(check.match === 'all' ? ' and ' : ' or ');
  const flags = containerFlags(ctx, check.container);
  if (typeof flags === 'string') return errorVerdict(flags, expected);
  const key = (f: string): string => `--${f.replace(/^--?/, '')}`;
  const ok = combine(
    check.tests.map((t) => runTest(t, flags.get(key(t.flag)))),
    check.match,
  );
  const names = [...new Set(check.tests.map((t) => key(t.flag)))];
  return {
    status: ok ? 'pass' : 'fail',
    actual: names.map((n) => showFlag(n, flags.get(n))).join(', '),
    expected,
  };
}
