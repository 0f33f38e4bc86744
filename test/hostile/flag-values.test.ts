import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';
import { FLAG_VALUE_CASES } from './flag-values.cases.js';
import { expectOutcome, expectStatuses, runMain, tempDir } from './harness.js';
import { META } from './profiles.cases.js';

const profile = loadProfile('rke-cis-1.3.0');
const hardened = readEvidence('examples/hardened-node.json');
const tmp = tempDir('flag-values');
afterAll(tmp.remove);

/** The hardened node with one container's args rewritten. */
function withArgs(container: string, args: (a: string[]) => string[]): Evidence {
  const before = hardened.containers[container];
  if (before?.status !== 'present') throw new Error(`${container} is not in the example`);
  return {
    ...hardened,
    containers: {
      ...hardened.containers,
      [container]: { ...before, args: args([...before.args]) },
    },
  };
}

describe('flag values as the components read them, on the hardened node', () => {
  it.each(FLAG_VALUE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectStatuses(evaluate(profile, withArgs(c.container, c.args)), c.controls, c.name);
  });
});

describe('noteq and eq against a boolean literal, in a custom profile', () => {
  const dir = mkdtempSync(join(tmp.dir, 'profile-'));
  writeFileSync(join(dir, 'profile.yaml'), META);
  writeFileSync(
    join(dir, 's.yaml'),
    `section: '1.1'
title: API Server
controls:
  - id: 1.1.1
    title: anonymous auth not true
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: flag
      container: kube-apiserver
      tests: [{ flag: --anonymous-auth, op: noteq, value: 'true' }]
    remediation: none
  - id: 1.1.2
    title: profiling false
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: flag
      container: kube-apiserver
      tests: [{ flag: --profiling, op: eq, value: 'false' }]
    remediation: none
`,
  );
  it.each([
    ['--anonymous-auth=TRUE', '--profiling=False', 'fail', 'pass'],
    ['--anonymous-auth=True', '--profiling=0', 'fail', 'pass'],
    ['--anonymous-auth=1', '--profiling=FALSE', 'fail', 'pass'],
    ['--anonymous-auth=yes', '--profiling=no', 'fail', 'fail'],
    ['--anonymous-auth=False', '--profiling=True', 'pass', 'fail'],
    ['--anonymous-auth=0', '--profiling=t', 'pass', 'fail'],
  ] as const)('%s, %s', async (anon, profiling, s1, s2) => {
    const e = withArgs('kube-apiserver', (args) => [
      ...args.filter((a) => !a.startsWith('--anonymous-auth') && !a.startsWith('--profiling')),
      anon,
      profiling,
    ]);
    const path = join(tmp.dir, `${anon}-${profiling}.json`);
    writeFileSync(path, JSON.stringify(e));
    const run = await runMain(['evaluate', path, '--profile', dir, '--format', 'json']);
    const rep = expectOutcome(run, {
      exit: ([s1, s2] as string[]).every((s) => s === 'pass') ? 0 : 1,
      controls: { '1.1.1': s1, '1.1.2': s2 },
    });
    expect(rep?.results.map((r) => r.actual)).toEqual([anon, profiling]);
  });
});
