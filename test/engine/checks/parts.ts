import { kindOf } from '../../../src/engine/checks/index.js';
import type { DeploymentNeed, FixIntent } from '../../../src/engine/checks/kind.js';
import { createEvalContext } from '../../../src/engine/evaluate.js';
import {
  evidenceRequirements,
  type EvidenceRequirements,
} from '../../../src/engine/requirements.js';
import type { Found, Verdict } from '../../../src/engine/verdict.js';
import type { Evidence } from '../../../src/evidence/schema.js';
import { checkSchema, type Check, type Profile } from '../../../src/profiles/schema.js';
import { expectCoherent } from '../../helpers/check-tester.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

/** A check's kind module, part by part, on one check (validated as a profile's would be). */
export function partsOf(raw: unknown): {
  check: Check;
  run(evidence: Evidence): Verdict;
  requires(): EvidenceRequirements;
  plan(): 'args' | DeploymentNeed;
  fix(status: string, found?: Found): FixIntent | undefined;
} {
  const check = deepFreeze(checkSchema.parse(raw));
  const kind = kindOf(check);
  return {
    check,
    run(evidence) {
      const v = kind.evaluate(check, createEvalContext(deepFreeze(evidence)));
      expectCoherent(check, v);
      return v;
    },
    // The parts of the requirements a check leaves empty are left out: each test names what its
    // check needs, and nothing else may be there.
    requires: () => {
      const all = evidenceRequirements({ controls: [{ check }] } as unknown as Profile);
      const kept = Object.entries(all).filter(
        ([k, v]) => !['mounts', 'env', 'fromFlags'].includes(k) || (v as unknown[]).length > 0,
      );
      return Object.fromEntries(kept) as unknown as EvidenceRequirements;
    },
    plan: () => kind.plan(check),
    fix: (status, found) => kind.fix(check, { status, found }),
  };
}
