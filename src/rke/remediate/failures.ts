import { kindOf } from '../../engine/checks/index.js';
import type { Profile } from '../../profiles/schema.js';
import type { NodeReport } from '../../report/types.js';
import { failsAfterRkeDeploy } from '../plan-report.js';
import type { Failure, Remediation } from './types.js';

/**
 * The controls to fix across the reports, in profile order, with the nodes each failed
 * on and how its kind fixes it; the controls that could not be judged; ids the profile lacks.
 * A failure, an error whose verdict still says what to fix (its kind's `fix`: a file the control
 * reads that does not exist), or, from a plan, a host/API control RKE's deployment is known to fail.
 */
export function collectFailures(
  profile: Profile,
  reports: readonly NodeReport[],
): {
  failures: Failure[];
  unjudged: Remediation['unjudged'];
  unknown: string[];
  /** Failed or erred results without `found` data (a report of an older rkecis). */
  withoutData: number;
} {
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  const found = new Map<string, Failure>();
  const unjudged = new Map<string, Remediation['unjudged'][number]>();
  const unknown = new Set<string>();
  let withoutData = 0;
  for (const r of reports) {
    const planned = r.node.rolesSource === 'declared';
    for (const res of r.results) {
      const control = byId.get(res.id);
      if (control === undefined) {
        if (res.status === 'fail') unknown.add(res.id);
        continue;
      }
      if ((res.status === 'fail' || res.status === 'error') && res.found === undefined)
        withoutData++;
      const deployment = planned && res.status === 'manual' && failsAfterRkeDeploy(control);
      const intent =
        res.status === 'fail' || res.status === 'error' || deployment
          ? kindOf(control.check).fix(control.check, res)
          : undefined;
      if (res.status === 'fail' || deployment || (res.status === 'error' && intent !== undefined)) {
        const f = found.get(res.id) ?? {
          control,
          nodes: new Set<string>(),
          deployment,
          intent: intent ?? { to: 'person', reason: 'rkecis has no automatic fix for it.' },
        };
        f.nodes.add(r.node.name);
        f.deployment &&= deployment;
        found.set(res.id, f);
      } else if (res.status === 'error') {
        const u = unjudged.get(res.id) ?? {
          id: res.id,
          title: res.title,
          nodes: [],
          reason: res.reason ?? res.actual,
        };
        u.nodes.push(r.node.name);
        unjudged.set(res.id, u);
      }
    }
  }
  const order = new Map(profile.controls.map((c, i) => [c.id, i]));
  const rank = (id: string): number => order.get(id) ?? 0;
  return {
    failures: [...found.values()].sort((a, b) => rank(a.control.id) - rank(b.control.id)),
    unjudged: [...unjudged.values()].sort((a, b) => rank(a.id) - rank(b.id)),
    unknown: [...unknown],
    withoutData,
  };
}
