import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import kinds, { kindOf, runCheck } from '../../../src/engine/checks/index.js';
import { createEvalContext } from '../../../src/engine/evaluate.js';
import { evidenceRequirements } from '../../../src/engine/requirements.js';
import { readEvidence } from '../../../src/evidence/read.js';
import { listProfiles, loadProfile } from '../../../src/profiles/load.js';
import type { Profile } from '../../../src/profiles/schema.js';
import { expectCoherent } from '../../helpers/check-tester.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { makeEvidence } from '../../helpers/evidence.js';

/**
 * The meta-test of check kinds against what ships: every control of every built-in profile has
 * its kind in the registry, that kind has its own table test, and each of the kind's parts
 * answers for the control (its evidence, its plan, its verdict on the example nodes and on a
 * node with no evidence at all, which is never a pass, and its fix of a failure).
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const profiles: [string, Profile][] = listProfiles().map((n) => [n, loadProfile(n)]);
const nodes = {
  hardened: readEvidence(join(root, 'examples/hardened-node.json')),
  insecure: readEvidence(join(root, 'examples/insecure-node.json')),
  'without evidence': makeEvidence(),
};

describe('check kinds of the built-in profiles', () => {
  it('there are built-in profiles to hold to the registry', () => {
    expect(profiles.length).toBeGreaterThan(0);
  });

  describe.each(profiles)('%s', (_name, profile) => {
    const used = [...new Set(profile.controls.map((c) => c.check.kind))].sort();

    it('uses only kinds the registry has, each with its own table test', () => {
      for (const kind of used) {
        expect(Object.hasOwn(kinds, kind), kind).toBe(true);
        const file = join(here, `${kind}.test.ts`);
        expect(existsSync(file), file).toBe(true);
        expect(readFileSync(file, 'utf8')).toMatch(/\bcheckTester\(/);
      }
    });

    it("every control's kind names the evidence it reads and how a plan treats it", () => {
      for (const { id, check } of profile.controls) {
        const needs = evidenceRequirements({ ...profile, controls: [{ check }] } as Profile);
        const plan = kindOf(check).plan(check);
        if (check.kind !== 'fixed') {
          const asked = needs.containers.length + needs.files.length + needs.kubernetes.length;
          expect(asked, `${id} reads no evidence`).toBeGreaterThan(0);
        }
        // Only a container's args are known to a plan: a kind reading no container is never `args`.
        if (needs.containers.length === 0 && check.kind !== 'fixed')
          expect(plan, `${id} is planned on args it does not read`).not.toBe('args');
      }
    });

    it.each(Object.entries(nodes))(
      'every control gives a coherent verdict on the %s node, and a failure its fix',
      (node, evidence) => {
        const ctx = createEvalContext(deepFreeze(evidence));
        for (const { id, check } of profile.controls) {
          const v = runCheck(check, ctx);
          expectCoherent(check, v);
          if (node === 'without evidence')
            expect(v.status, `${id} passes without evidence: ${v.actual}`).not.toBe('pass');
          if (v.status === 'fail') {
            const intent = kindOf(check).fix(check, v);
            expect(intent, `${id} fails with no fix intent`).toBeDefined();
          }
        }
      },
    );
  });
});
