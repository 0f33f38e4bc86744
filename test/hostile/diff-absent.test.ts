import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffScans, hasNewFailures } from '../../src/diff/diff.js';
import diffFormatters from '../../src/diff/formatters/index.js';
import type { DiffSide } from '../../src/diff/types.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { HARDENED } from './hardened-node.js';
import { expectNoTrace, runMain, tempDir } from './harness.js';

/**
 * A later scan that no longer evaluates controls the earlier one judged: the node lost its
 * kube-apiserver marker (renamed container, a bundle edited), so every controlplane control is
 * absent from b. Absent is not fixed: `diff` says "no longer evaluated", and `--fail-on-new`
 * must not let a CI gate pass on the silence.
 */
const profile = loadProfile('rke-cis-1.3.0');
const tmp = tempDir('diff-absent');
afterAll(tmp.remove);

/** The hardened node without its controlplane: kube-apiserver and friends gone, role dropped. */
const withoutControlplane: Evidence = {
  ...HARDENED,
  roles: { detected: ['etcd', 'worker'], source: 'containers', reason: 'found etcd, kubelet' },
  containers: {
    ...HARDENED.containers,
    'kube-apiserver': { status: 'absent' },
    'kube-controller-manager': { status: 'absent' },
    'kube-scheduler': { status: 'absent' },
  },
};
const side = (label: string, evidence: Evidence): DiffSide => ({
  label,
  nodes: [{ report: evaluate(profile, evidence), evidence }],
});

describe('diff: a control evaluated in a and absent from b', () => {
  const d = diffScans(side('a', HARDENED), side('b', withoutControlplane));
  const byId = new Map(d.controls.map((c) => [c.id, c]));

  it('a failure that is no longer evaluated is not fixed', () => {
    // 1.1.21 fails on the guide's hardened node (a known failure).
    expect(byId.get('1.1.21')).toMatchObject({
      kind: 'no-longer-evaluated',
      from: 'fail',
      to: 'absent',
    });
    expect(d.controls.filter((c) => c.kind === 'fixed')).toEqual([]);
    expect(d.summary.fixed).toBe(0);
    expect(d.summary.noLongerEvaluated).toBe(d.controls.length);
    expect(byId.get('1.1.1')).toMatchObject({ kind: 'no-longer-evaluated', from: 'pass' });
  });

  it('--fail-on-new fails: b cannot vouch for what it did not evaluate', () => {
    expect(d.summary.newFailures).toBe(0);
    expect(hasNewFailures(d)).toBe(true);
  });

  it('the other way round, newly evaluated controls are not a gate failure unless they fail', () => {
    const back = diffScans(side('b', withoutControlplane), side('a', HARDENED));
    expect(back.controls.filter((c) => c.kind === 'no-longer-evaluated')).toEqual([]);
    expect(back.summary.newFailures).toBeGreaterThan(0); // 1.1.21 and 1.3.6 fail on the hardened node
  });

  it('a manual or not-applicable control no longer evaluated is said, but judged nothing to lose', () => {
    const a = evaluate(profile, HARDENED);
    const only = (r: NodeReport, ids: string[]): NodeReport => ({
      ...r,
      results: r.results.filter((x) => ids.includes(x.id)),
    });
    const dd = diffScans(
      { label: 'a', nodes: [{ report: only(a, ['1.1.13', '1.6.1']) }] },
      { label: 'b', nodes: [{ report: only(a, []) }] },
    );
    expect(dd.controls.map((c) => [c.id, c.kind])).toEqual([
      ['1.1.13', 'no-longer-evaluated'],
      ['1.6.1', 'no-longer-evaluated'],
    ]);
    expect(hasNewFailures(dd)).toBe(false);
  });

  it('text and markdown say "no longer evaluated", never "fixed"', () => {
    const text = diffFormatters.text(d);
    expect(text).toMatch(
      /^Controls: 0 new failures, \d+ no longer evaluated, 0 fixed, 0 other changes$/m,
    );
    // A control's line may be filled onto the next lines: read it joined.
    const joined = text.replace(/\n {4,}/g, ' ');
    expect(joined).toMatch(/^ {2}NO LONGER EVALUATED 1\.1\.21 .*: fail -> not evaluated$/m);
    expect(text).not.toMatch(/FIXED/);
    const md = diffFormatters.markdown(d);
    expect(md).toMatch(
      /\| \*\*no longer evaluated\*\* \| rke-hardened-1 \| 1\.1\.21 \|.*\| fail \| not evaluated \|/,
    );
  });

  it('rkecis diff a b --fail-on-new exits 1', async () => {
    const a = join(tmp.dir, 'a.json');
    const b = join(tmp.dir, 'b.json');
    writeFileSync(a, JSON.stringify(HARDENED));
    writeFileSync(b, JSON.stringify(withoutControlplane));
    const gate = await runMain(['diff', a, b, '--fail-on-new']);
    expectNoTrace(gate.stderr);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('no longer evaluated');
    expect((await runMain(['diff', a, b])).code).toBe(0);
  });
});
