import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import { ARGS_CASES } from './args.cases.js';
import { expectStatuses } from './harness.js';

const profile = loadProfile('rke-cis-1.3.0');
const hardened = readEvidence('examples/hardened-node.json');
const baseline = evaluate(profile, hardened);

describe('hostile container arguments on the hardened node', () => {
  it.each(ARGS_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const before = hardened.containers[c.container];
    if (before?.status !== 'present') throw new Error(`${c.container} is not in the example`);
    const evidence: Evidence = {
      ...hardened,
      containers: {
        ...hardened.containers,
        [c.container]: { ...before, args: c.args([...before.args]) },
      },
    };
    const t0 = performance.now();
    const report = evaluate(profile, evidence);
    expect(performance.now() - t0, 'evaluated in bounded time').toBeLessThan(5000);
    expectStatuses(report, c.controls, c.name);
    // The scan goes on: every control is still judged, and those of other containers are unchanged.
    expect(report.results).toHaveLength(baseline.results.length);
    const others = (r: typeof report) =>
      r.results
        .filter((x) => x.role !== 'cluster' && !x.audit.includes(c.container))
        .map((x) => `${x.id}:${x.status}`);
    expect(others(report)).toEqual(others(baseline));
  });
});
