import {
  CONTAINER_MESSAGES,
  containerFlags,
  flagValues,
  flagInDoubt,
  isProblem,
  showFlags,
  type FlagValues,
} from './container.js';
import type { Flags } from '../flags.js';
import { showFlag } from '../flags.js';
import type { Verdict } from '../verdict.js';
import { flagPlanOf, passes, type FlagPlan } from './flag-tree.js';
import { solveFlags } from './flag-solve.js';
import { defineKind, setData, verdictsOf } from './kind.js';
import { SETTINGS_MESSAGES, settingsOf, type ConfigShown } from './settings.js';

const messages = {
  ...CONTAINER_MESSAGES,
  ...SETTINGS_MESSAGES,
  /**
   * The flags the verdict rests on, as the node has them (an alternative unset beside a set one
   * is left out); the environment variables tested, by name; the --config file's keys read for
   * flags not given.
   */
  'flag-values': (d: { container: string; flags: FlagValues; config?: ConfigShown }) =>
    showFlags(d.flags) +
    (d.config === undefined
      ? ''
      : `; in ${d.config.path}: ${Object.entries(d.config.values)
          .map(([k, v]) => (v === null ? `${k} not set` : `${k}=${v}`))
          .join(', ')}`),
} as const;
const verdict = verdictsOf(messages);

/** How many verdicts of flags alone each check keeps: a fleet's few distinct configurations. */
const RECENT = 4;
const scratch: (string | undefined)[] = [];

/**
 * The verdict of a check that reads the container's flags alone: most flag controls of every
 * node. The values of the check's flags decide it whole (its status, which flags are shown, its
 * text: an alternative left out is one of them too), so a verdict made of the same values
 * before is given again, frozen, as fixed.ts gives its verdicts: nodes of a fleet mostly have
 * the same flags, and this makes no object for them. Else it is made as
 * `verdict(..., 'flag-values', data)` would make it (the check tester holds every verdict to
 * its message's text), in one pass: each shown flag's text is written as it is stored. Keys are
 * flags (`--name`), never an integer-like key or `__proto__`, so the record's order is the
 * order they are stored in, which the message's text follows.
 */
function flagsVerdict(container: string, plan: FlagPlan, flags: Flags): Verdict {
  const { names, alternativesByName, recent } = plan;
  const count = names.length;
  // Each flag read once, into an array kept for the next call rather than made for this one.
  for (let i = 0; i < count; i++) scratch[i] = flags.get(names[i] as string);
  seen: for (let r = 0; r < recent.length; r++) {
    const memo = recent[r] as FlagPlan['recent'][number];
    for (let i = 0; i < count; i++) if (scratch[i] !== memo.values[i]) continue seen;
    return memo.verdict;
  }
  const values = scratch.slice(0, count);
  const shown = flagValues();
  let actual = '';
  for (let i = 0; i < count; i++) {
    const n = names[i] as string;
    const value = values[i];
    // An unset alternative is left out when another is set (which is then shown): never all.
    const groups = alternativesByName[i];
    if (value === undefined && groups?.every((g) => g.some((a) => flags.has(a))) === true) continue;
    shown[n] = value ?? null;
    actual += `${actual === '' ? '' : ', '}${showFlag(n, value)}`;
  }
  const verdict: Verdict = Object.freeze({
    status: passes(plan.root, flags) ? 'pass' : 'fail',
    actual,
    expected: plan.expected,
    reason: undefined,
    found: Object.freeze({
      id: 'flag-values',
      data: Object.freeze({ container, flags: Object.freeze(shown) }),
    }),
  });
  if (recent.length === RECENT) recent.pop();
  recent.unshift({ values, verdict });
  return verdict;
}

/** Container flags compared as kube-bench does, on args parsed like pflag. */
export default defineKind<'flag'>({
  messages,

  evaluate(check, ctx) {
    const plan = flagPlanOf(check);
    const { expected, root, names, alternativesByName } = plan;
    const flags = containerFlags(ctx, check.container);
    if (isProblem(flags)) return verdict('error', expected, flags.id, flags.data);
    const doubt = flagInDoubt(flags, names);
    if (doubt !== undefined)
      return verdict('error', expected, 'flag-in-doubt', { container: check.container, ...doubt });
    if (plan.flagsOnly) return flagsVerdict(check.container, plan, flags);
    const settings = settingsOf(ctx, check.container, plan, flags);
    if ('id' in settings) return verdict('error', expected, settings.id, settings.data);
    const { values, config } = settings;
    const ok = passes(root, values);
    const shown = flagValues();
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      // A flag as given (a value from the --config file is shown as the file's).
      const value = n.startsWith('-') ? flags.get(n) : values.get(n);
      // An unset alternative is left out when another is set (which is then shown): never all.
      const groups = alternativesByName[i];
      if (value === undefined && groups?.every((g) => g.some((a) => values.has(a))) === true)
        continue;
      // A name from a --config file may be any key: setData keeps `__proto__` an own key.
      setData(shown, n, value ?? null);
    }
    return verdict(
      ok ? 'pass' : 'fail',
      expected,
      'flag-values',
      config === undefined
        ? { container: check.container, flags: shown }
        : { container: check.container, flags: shown, config },
    );
  },

  requires(check, needs) {
    const { env, config } = flagPlanOf(check);
    needs.container(check.container, {
      ...(env.length > 0 ? { env } : {}),
      ...(config.size > 0 ? { mounts: true } : {}),
    });
    // The --config file, read (and its keys used) only for the flags not given.
    if (config.size > 0)
      needs.fileFrom({ container: check.container, flag: '--config' }, { content: true });
  },

  plan: () => 'args',

  fix(check, v) {
    if (v.status === 'error') return undefined;
    const { root, names, env } = flagPlanOf(check);
    // A container's environment is the deployment's to set, not a flag a fix can give.
    if (env.length > 0)
      return {
        to: 'person',
        reason: `${check.container} is judged on its environment variables (${env.join(', ')}) too: set them where the deployment defines the container's environment`,
      };
    return {
      to: 'flags',
      container: check.container,
      flags: names,
      solve: (state, limits) => solveFlags(root, state, limits),
    };
  },
});
