import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffScans, hasNewFailures } from '../../src/diff/diff.js';
import diffFormatters from '../../src/diff/formatters/index.js';
import type { DiffSide } from '../../src/diff/types.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * A diff of scans judged by two profiles (the node was upgraded and its profile with it): only
 * the controls with the same id and title in both are compared. The synthetic profiles share
 * 1.1.1; their 1.1.2 are different controls; 1.1.3 and 1.1.4 are in one of them each.
 */
const A = loadProfile('test/fixtures/profiles/tiny-cis-a');
const B = loadProfile('test/fixtures/profiles/tiny-cis-b');
const node = (file: string): Evidence => JSON.parse(readFileSync(file, 'utf8')) as Evidence;
const side = (label: string, file: string, profile: typeof A): DiffSide => {
  const evidence = node(file);
  return { label, nodes: [{ report: evaluate(profile, evidence), evidence }] };
};

describe('diff across profiles', () => {
  it('compares only the controls with the same id and title, and lists the others', () => {
    const d = diffScans(
      side('a', 'examples/hardened-node.json', A),
      side('b', 'examples/insecure-node.json', B),
    );
    expect(d.pairs[0]?.profiles).toEqual({
      a: 'tiny-cis-a',
      b: 'tiny-cis-b',
      notCompared: ['1.1.2', '1.1.3', '1.1.4'],
      judgedInA: ['1.1.2', '1.1.3'],
    });
    // 1.1.1 (the same control in both) is compared: anonymous-auth is not false on the insecure node.
    expect(d.controls.map((c) => [c.id, c.kind])).toEqual([['1.1.1', 'new-failure']]);
    expect(d.summary).toMatchObject({ newFailures: 1, notCompared: 3, fixed: 0, changed: 0 });
    const text = diffFormatters.text(d, { width: 1000 });
    expect(text).toContain(
      'Profiles: the profiles differ: tiny-cis-a (a) and tiny-cis-b (b); only the controls with the same id and title in both are compared; 3 controls not compared: 1.1.2, 1.1.3, 1.1.4',
    );
    expect(text).toContain('3 not compared (another profile)');
    expect(diffFormatters.markdown(d)).toContain(
      'the profiles differ: tiny-cis-a (a) and tiny-cis-b (b)',
    );
  });

  it('a control judged in a and not comparable in b fails --fail-on-new; a same-profile diff is unchanged', () => {
    const d = diffScans(
      side('a', 'examples/hardened-node.json', A),
      side('b', 'examples/hardened-node.json', B),
    );
    expect(d.controls).toEqual([]);
    expect(d.summary.newFailures).toBe(0);
    expect(hasNewFailures(d)).toBe(true);
    const same = diffScans(
      side('a', 'examples/hardened-node.json', A),
      side('b', 'examples/hardened-node.json', A),
    );
    expect(same.pairs[0]?.profiles).toBeUndefined();
    expect(same.summary.notCompared).toBeUndefined();
    expect(hasNewFailures(same)).toBe(false);
  });
});
