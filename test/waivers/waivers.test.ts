import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { notCompliant } from '../../src/report/summary.js';
import type { NodeReport } from '../../src/report/types.js';
import { applyWaivers } from '../../src/waivers/apply.js';
import { loadWaivers } from '../../src/waivers/load.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { bareReport } from '../report/sample-report.js';

const dir = mkdtempSync(join(tmpdir(), 'rkecis-waivers-'));
let n = 0;
/** Writes a waivers file and returns its path. */
function file(text: string): string {
  const path = join(dir, `w${++n}.yaml`);
  writeFileSync(path, text);
  return path;
}
const HEAD = 'apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n';

/** bareReport's node runs all three roles; a worker-only copy of it for scope tests. */
const workerReport = (): NodeReport => {
  const r = bareReport();
  return {
    ...r,
    node: { ...r.node, name: 'worker-7', hostname: 'ip-10-0-0-7', roles: ['worker'] },
  };
};

const TODAY = '2025-06-15';

describe('loading waivers', () => {
  it('reads each waiver with the file:line:column it is written at', () => {
    const path = file(
      `${HEAD}  - control: '1.1.21'\n    justification: ACLs\n    approvedBy: Jane\n    expires: 2025-12-31\n  - control: '2.1.9'\n    scope: { roles: [worker], nodes: [n1] }\n    justification: RKE sets it\n`,
    );
    const w = loadWaivers(path);
    expect(w.waivers.map((x) => [x.control, x.source.replace(dir, '<dir>'), x.expires])).toEqual([
      ['1.1.21', '<dir>/w1.yaml:4:5', '2025-12-31'],
      ['2.1.9', '<dir>/w1.yaml:8:5', undefined],
    ]);
    expect(w.waivers[1]?.scope).toEqual({ roles: ['worker'], nodes: ['n1'] });
  });

  it('accepts an empty list', () => {
    expect(loadWaivers(file(`${HEAD.trimEnd()} []\n`)).waivers).toEqual([]);
  });

  it.each([
    ['no justification', `${HEAD}  - control: '1.1.21'\n`, /:4:5: .*justification/],
    [
      'an empty justification',
      `${HEAD}  - control: '1.1.21'\n    justification: '  '\n`,
      /:5:20: a waiver needs a justification/,
    ],
    [
      'a misspelled key',
      `${HEAD}  - control: '1.1.21'\n    justification: x\n    expire: 2025-01-01\n`,
      /:6:5: unknown key "expire"/,
    ],
    [
      'a date that is not one',
      `${HEAD}  - control: '1.1.21'\n    justification: x\n    expires: 2025-02-30\n`,
      /:6:14: not a calendar date/,
    ],
    [
      'a date in another form',
      `${HEAD}  - control: '1.1.21'\n    justification: x\n    expires: 31/12/2025\n`,
      /:6:14: a date like 2025-12-31/,
    ],
    [
      'an unknown role',
      `${HEAD}  - control: '1.1.21'\n    justification: x\n    scope: { roles: [master] }\n`,
      /:6:22: /,
    ],
    [
      'an empty scope',
      `${HEAD}  - control: '1.1.21'\n    justification: x\n    scope: {}\n`,
      /:6:12: a scope needs "nodes" or "roles"/,
    ],
    [
      'a bad control id',
      `${HEAD}  - control: 'one'\n    justification: x\n`,
      /:4:14: a control id like 1.1.21/,
    ],
    ['a wrong kind', 'apiVersion: rkecis.io/v1\nkind: Profile\nwaivers: []\n', /:2:7: /],
    ['bad YAML', `${HEAD}  - control: '1.1.21\n    justification: x\n`, /:\d+:\d+: /],
    ['an empty file', '', /:1:1: /],
  ])('refuses %s, naming the line', (_what, text, message) => {
    const path = file(text);
    expect(() => loadWaivers(path)).toThrow(InputError);
    expect(() => loadWaivers(path)).toThrow(message);
    expect(() => loadWaivers(path)).toThrow(path.replace(/^.*\//, ''));
  });

  it('names a file it cannot read', () => {
    expect(() => loadWaivers(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: no such file$/);
  });
});

describe('applying waivers', () => {
  const waivers = (text: string) => loadWaivers(file(`${HEAD}${text}`));

  it('applied: a waived failure stays a failure, marked waived, and no longer fails the run', () => {
    const report = deepFreeze(bareReport());
    const w = waivers(
      "  - control: '1.1.10'\n    justification: accepted\n    approvedBy: Jane\n  - control: '1.4.11'\n    justification: known\n    expires: 2025-06-15\n" +
        "  - control: '1.1.21'\n    justification: mitigated\n",
    );
    expect(notCompliant(report.results)).toBe(true);
    const out = applyWaivers(report, w, TODAY);
    const r = out.results.find((x) => x.id === '1.1.10');
    expect(r?.status).toBe('fail');
    expect(r?.waiver).toEqual({
      justification: 'accepted',
      approvedBy: 'Jane',
      source: `${dir}/w${n}.yaml:4:5`,
    });
    // An error can be waived too; the expiry date itself is still in force.
    expect(out.results.find((x) => x.id === '1.4.11')?.waiver?.expires).toBe('2025-06-15');
    expect(out.summary.fail).toBe(report.summary.fail);
    expect(out.summary.waived).toBe(3);
    expect(out.waivers?.applied.map((x) => x.control)).toEqual(['1.1.10', '1.4.11', '1.1.21']);
    expect(notCompliant(out.results)).toBe(false);
  });

  it('expired: does not apply, and is listed', () => {
    const w = waivers("  - control: '1.1.10'\n    justification: old\n    expires: 2025-06-14\n");
    const out = applyWaivers(bareReport(), w, TODAY);
    expect(out.results.find((x) => x.id === '1.1.10')?.waiver).toBeUndefined();
    expect(out.waivers?.expired.map((x) => [x.control, x.expires])).toEqual([
      ['1.1.10', '2025-06-14'],
    ]);
    expect(out.waivers?.applied).toEqual([]);
    expect(out.waivers?.unused).toEqual([]);
    expect(notCompliant(out.results)).toBe(true);
  });

  it('unused: listed with the reason it covered nothing', () => {
    const w = waivers(
      [
        "  - control: '1.1.2'\n    justification: passes anyway\n",
        "  - control: '9.9.9'\n    justification: typo\n",
        "  - control: '1.1.10'\n    justification: first\n",
        "  - control: '1.1.10'\n    justification: second\n",
      ].join(''),
    );
    const out = applyWaivers(bareReport(), w, TODAY);
    expect(out.results.find((x) => x.id === '1.1.10')?.waiver?.justification).toBe('first');
    expect(out.waivers?.unused.map((x) => [x.control, x.reason?.replace(dir, '<dir>')])).toEqual([
      ['1.1.2', 'control 1.1.2 did not fail on this node (pass)'],
      [
        '9.9.9',
        "control 9.9.9 was not evaluated on this node (not in profile rke-cis-1.3.0, or not for this node's roles)",
      ],
      ['1.1.10', `an earlier waiver (<dir>/w${n}.yaml:8:5) already covers control 1.1.10`],
    ]);
  });

  it('out of scope: applies only to the named nodes or roles', () => {
    const w = waivers(
      [
        "  - control: '1.1.10'\n    scope: { roles: [controlplane] }\n    justification: cp only\n",
        "  - control: '2.1.9'\n    scope: { nodes: [worker-8] }\n    justification: other node\n",
        "  - control: '2.1.9'\n    scope: { nodes: [ip-10-0-0-7] }\n    justification: this node, by hostname\n",
      ].join(''),
    );
    const out = applyWaivers(workerReport(), w, TODAY);
    expect(out.results.find((x) => x.id === '1.1.10')?.waiver).toBeUndefined();
    expect(out.results.find((x) => x.id === '2.1.9')?.waiver?.justification).toBe(
      'this node, by hostname',
    );
    expect(out.waivers?.unused.map((x) => [x.control, x.reason])).toEqual([
      ['1.1.10', 'out of scope: node worker-7 (roles worker) is not in its scope'],
      ['2.1.9', 'out of scope: node worker-7 (roles worker) is not in its scope'],
    ]);
    const byRole = waivers(
      "  - control: '2.1.9'\n    scope: { roles: [etcd, worker] }\n    justification: workers\n",
    );
    expect(applyWaivers(workerReport(), byRole, TODAY).waivers?.applied).toHaveLength(1);
  });

  it('never marks a pass, not-applicable or manual result', () => {
    const w = waivers(
      "  - control: '1.1.2'\n    justification: x\n  - control: '1.4.1'\n    justification: x\n  - control: '1.6.1'\n    justification: x\n",
    );
    const out = applyWaivers(bareReport(), w, TODAY);
    expect(out.results.filter((r) => r.waiver !== undefined)).toEqual([]);
    expect(out.waivers?.unused).toHaveLength(3);
  });
});

describe('examples/waivers-rancher-known-failures.yaml', () => {
  const example = loadWaivers('examples/waivers-rancher-known-failures.yaml');
  const index = JSON.parse(readFileSync('test/fixtures/guide-index.json', 'utf8')) as {
    id: string;
    scored: boolean;
    result: string;
  }[];

  it("waives exactly the guide's known scored failures", () => {
    const known = index.filter((c) => c.scored && c.result.startsWith('Fail')).map((c) => c.id);
    expect(known).toEqual([
      '1.1.21',
      '1.3.6',
      '1.4.11',
      '1.4.12',
      '2.1.3',
      '2.1.9',
      '2.1.13',
      '2.1.14',
    ]);
    expect(example.waivers.map((w) => w.control)).toEqual(known);
  });

  it('gives each one a justification from the guide, without an expiry that would lapse', () => {
    for (const w of example.waivers) {
      expect(w.justification).toMatch(/^Rancher \(Self-Assessment Guide v2\.1\)/);
      expect(w.expires).toBeUndefined();
    }
  });
});
