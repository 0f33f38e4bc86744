import { EVIDENCE_API_VERSION, EVIDENCE_KIND } from '../evidence/constants.js';
import type { Evidence } from '../evidence/schema.js';
import type { Check, Profile } from '../profiles/schema.js';
import { runCheck } from './checks/index.js';
import { createEvalContext } from './evaluate.js';
import { evidenceRequirements } from './requirements.js';

/** Evidence of nothing: every kind still says what it expects when it has nothing to judge. */
const NOTHING: Evidence = {
  apiVersion: EVIDENCE_API_VERSION,
  kind: EVIDENCE_KIND,
  node: { name: 'none' },
  roles: { detected: [], source: 'declared' },
  containers: {},
  files: {},
};

/**
 * What a check asks of a node, in words, and what it reads: for `explain`, from the same code
 * that gives a verdict's `expected`, so the two cannot disagree.
 */
export function describeCheck(check: Check): { expected: string; reads: string[] } {
  const expected = runCheck(check, createEvalContext(NOTHING)).expected;
  const needs = evidenceRequirements({ controls: [{ check }] } as unknown as Profile);
  return {
    expected,
    reads: [
      ...needs.containers.map((c) => `container ${c}`),
      ...needs.files.map(
        (f) => `${f.path}${f.entries ? ' (and its entries)' : ''}${f.content ? ' (its text)' : ''}`,
      ),
      ...(needs.kubernetes.length > 0 ? [`Kubernetes lists: ${needs.kubernetes.join(', ')}`] : []),
    ],
  };
}
