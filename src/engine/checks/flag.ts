import {
  CONTAINER_MESSAGES,
  containerFlags,
  flagInDoubt,
  isProblem,
  showFlags,
  type FlagValues,
} from './container.js';
import { flagPlanOf, passes } from './flag-tree.js';
import { solveFlags } from './flag-solve.js';
import { dataRecord, defineKind, verdictsOf } from './kind.js';

const messages = {
  ...CONTAINER_MESSAGES,
  /** The flags the verdict rests on, as the node has them (an alternative unset beside a set one is left out). */
  'flag-values': (d: { container: string; flags: FlagValues }) => showFlags(d.flags),
} as const;
const verdict = verdictsOf(messages);

/** Container flags compared as kube-bench does, on args parsed like pflag. */
export default defineKind<'flag'>({
  messages,

  evaluate(check, ctx) {
    const { expected, root, names, alternatives } = flagPlanOf(check);
    const flags = containerFlags(ctx, check.container);
    if (isProblem(flags)) return verdict('error', expected, flags.id, flags.data);
    const doubt = flagInDoubt(flags, names);
    if (doubt !== undefined)
      return verdict('error', expected, 'flag-in-doubt', { container: check.container, ...doubt });
    const ok = passes(root, flags);
    const shown = dataRecord<string | null>();
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      const value = flags.get(n);
      // An unset alternative is left out when another is set (which is then shown): never all.
      const groups = alternatives.get(n);
      if (value === undefined && groups?.every((g) => g.some((a) => flags.has(a))) === true)
        continue;
      shown[n] = value ?? null;
    }
    return verdict(ok ? 'pass' : 'fail', expected, 'flag-values', {
      container: check.container,
      flags: shown,
    });
  },

  requires(check, needs) {
    needs.container(check.container);
  },

  plan: () => 'args',

  fix(check, v) {
    if (v.status === 'error') return undefined;
    const { root, names } = flagPlanOf(check);
    return {
      to: 'flags',
      container: check.container,
      flags: names,
      solve: (state, limits) => solveFlags(root, state, limits),
    };
  },
});
