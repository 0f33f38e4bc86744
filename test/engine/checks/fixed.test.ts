import { describe, expect, it } from 'vitest';
import kinds, { runCheck } from '../../../src/engine/checks/index.js';
import { createEvalContext } from '../../../src/engine/evaluate.js';
import { checkSchema } from '../../../src/profiles/schema.js';
import { checkTester } from '../../helpers/check-tester.js';
import { makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const api = (...args: string[]) =>
  makeEvidence({ args: { 'kube-apiserver': ['kube-apiserver', ...args] } });

describe('fixed', () => {
  it('returns its status with the reason', () => {
    const ctx = createEvalContext(makeEvidence()); // a fixed verdict without `show` reads no evidence
    const v = kinds.fixed.evaluate(
      { kind: 'fixed', status: 'not-applicable', reason: 'RKE has no such file' },
      ctx,
    );
    expect(v).toMatchObject({ status: 'not-applicable', reason: 'RKE has no such file' });
    expect(
      kinds.fixed.evaluate({ kind: 'fixed', status: 'manual', reason: 'judge' }, ctx).status,
    ).toBe('manual');
  });
});

describe('fixed with evidence to show', () => {
  const check = checkSchema.parse({
    kind: 'fixed',
    status: 'manual',
    reason: 'judge',
    show: {
      container: 'kube-apiserver',
      flags: ['--enable-admission-plugins', '--admission-control'],
    },
  });
  const run = (evidence: ReturnType<typeof makeEvidence>) =>
    runCheck(check, createEvalContext(evidence));

  it('shows the flags that are set, and stays manual', () => {
    const v = run(api('--enable-admission-plugins=NodeRestriction,PodSecurityPolicy'));
    expect(v).toMatchObject({
      status: 'manual',
      actual: '--enable-admission-plugins=NodeRestriction,PodSecurityPolicy',
      reason: 'judge',
    });
    expect(
      run(api('--admission-control=SecurityContextDeny', '--enable-admission-plugins=X')).actual,
    ).toBe('--enable-admission-plugins=X, --admission-control=SecurityContextDeny');
  });

  it('says when none is set, and why nothing can be shown', () => {
    expect(run(api('--profiling=false')).actual).toBe(
      '--enable-admission-plugins not set, --admission-control not set',
    );
    const absent = run(makeEvidence());
    expect(absent.status).toBe('manual');
    expect(absent.actual).toBe('nothing to show: container kube-apiserver was not collected');
    expect(run(api('--enable-admission-plugins', '--profiling=false')).actual).toMatch(
      /^nothing certain to show: --enable-admission-plugins is given without a value/,
    );
  });

  it('asks the collector for the container', async () => {
    const { evidenceRequirements } = await import('../../../src/engine/requirements.js');
    const profile = { controls: [{ check }] } as unknown as Parameters<
      typeof evidenceRequirements
    >[0];
    expect(evidenceRequirements(profile).containers).toEqual(['kube-apiserver']);
  });
});

checkTester(
  'fixed: a manual control showing flags is never a pass',
  {
    kind: 'fixed',
    status: 'manual',
    reason: 'judge',
    show: { container: 'kube-apiserver', flags: ['--a'] },
  },
  {
    valid: [],
    invalid: [
      {
        name: 'the flag set',
        evidence: api('--a=1'),
        status: 'manual',
        found: { id: 'shown', data: { flags: { '--a': '1' } } },
      },
      {
        name: 'the container missing',
        evidence: makeEvidence(),
        status: 'manual',
        found: {
          id: 'nothing-to-show',
          data: {
            problem: { id: 'container-not-collected', data: { container: 'kube-apiserver' } },
          },
        },
      },
    ],
  },
  { neverPasses: true },
);

describe('fixed: its parts', () => {
  const parts = partsOf({ kind: 'fixed', status: 'manual', reason: 'a person decides' });

  it('needs nothing without `show`, and stands in a plan', () => {
    expect(parts.requires()).toEqual({ containers: [], files: [], kubernetes: [] });
    expect(parts.plan()).toBe('args');
  });

  it("is a person's to fix, for the reason the profile gives", () => {
    expect(parts.fix('manual')).toEqual({ to: 'person', reason: 'a person decides' });
  });

  it('finds nothing but what it is', () => {
    expect(parts.run(makeEvidence()).found).toEqual({ id: 'to-judge', data: {} });
  });
});
