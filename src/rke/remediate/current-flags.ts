import { flagSyntaxOf, parseFlags, type Flags } from '../../engine/flags.js';
import type { Found } from '../../engine/verdict.js';
import type { NodeReport } from '../../report/types.js';
import { type ClusterYml, type ComponentName } from '../cluster-yml.js';
import { planCluster } from '../plan.js';
import type { RemediateInput } from './types.js';

/** The planned args of a component in a cluster (its first node that runs it). */
export function plannedFlags(cluster: ClusterYml, component: ComponentName): Flags | undefined {
  for (const n of planCluster(cluster)) {
    const c = n.containers.find((x) => x.name === component);
    if (c !== undefined) return parseFlags(c.args, flagSyntaxOf(component));
  }
  return undefined;
}

/**
 * The container flags a verdict found, when its data names them: `{container, flags: {--name:
 * value | null}}` (the flag and cipher-list kinds). Data from a report file is checked here, as
 * any input is: anything else is no flags.
 */
function foundFlags(
  found: Found | undefined,
): { container: string; flags: [string, string | null][] } | undefined {
  const container = found?.data.container;
  const flags = found?.data.flags;
  if (typeof container !== 'string' || flags === null || typeof flags !== 'object')
    return undefined;
  if (Array.isArray(flags)) return undefined;
  const out: [string, string | null][] = [];
  for (const [k, v] of Object.entries(flags as Record<string, unknown>))
    if (typeof v === 'string' || v === null) out.push([k, v]);
  return { container, flags: out };
}

/**
 * The flags a report shows for a container: the values its judged verdicts found (pass or fail;
 * an error found none), `undefined` for a flag found not set. Only what the controls looked at.
 */
export function reportFlags(
  reports: readonly NodeReport[],
  component: ComponentName,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const r of reports) {
    for (const res of r.results) {
      if (res.status !== 'pass' && res.status !== 'fail') continue;
      const shown = foundFlags(res.found);
      if (shown?.container !== component) continue;
      for (const [k, v] of shown.flags) out.set(k, v ?? undefined);
    }
  }
  return out;
}

/**
 * The current args of a component: the cluster.yml's plan, else the live evidence, else RKE's
 * defaults with what the reports found of them.
 */
export function currentFlags(
  input: RemediateInput,
  base: ClusterYml,
  component: ComponentName,
): Flags {
  if (input.cluster !== undefined) return plannedFlags(base, component) ?? new Map();
  for (const e of input.evidence ?? []) {
    const c = e.containers[component];
    if (c?.status === 'present') return parseFlags(c.args, flagSyntaxOf(component));
  }
  const flags = new Map(plannedFlags(base, component) ?? []);
  for (const [k, v] of reportFlags(input.reports, component)) {
    if (v === undefined) flags.delete(k);
    else flags.set(k, v);
  }
  return flags;
}
