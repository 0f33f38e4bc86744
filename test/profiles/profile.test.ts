import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { Status } from '../../src/report/types.js';
import { readGuide, type GuideControl } from '../helpers/guide.js';

const profile = loadProfile('rke-cis-1.3.0');
const index = JSON.parse(readFileSync('test/fixtures/guide-index.json', 'utf8')) as GuideControl[];
const SEED = '../shared/seed/rancher-cis-self-assessment-guide-v2.1.txt';

/** The guide's Result line as an rkecis status. */
const STATUS_OF: Record<string, Status> = {
  Pass: 'pass',
  Fail: 'fail',
  'Fail (See Mitigation)': 'fail',
  'Pass (Not Applicable)': 'not-applicable',
  Document: 'manual',
  None: 'manual',
};

describe('profile rke-cis-1.3.0 against the guide', () => {
  it('the committed guide index is the seed guide, read afresh', () => {
    // The index is committed so a clone without ../shared still runs the meta-tests below.
    if (!existsSync(SEED)) {
      expect(index).toHaveLength(113);
      return;
    }
    expect(readGuide(SEED)).toEqual(index);
  });

  it('has all 113 controls of the guide, once each, in the guide order', () => {
    expect(index).toHaveLength(113);
    expect(profile.controls.map((c) => c.id)).toEqual(index.map((g) => g.id));
  });

  it.each(index)('$id has the guide title, scored flag and result', (g) => {
    const c = profile.controls.find((x) => x.id === g.id);
    expect(c?.title).toBe(g.title);
    expect(c?.scored).toBe(g.scored);
    expect(c?.guide.result).toBe(g.result);
  });

  it('every evaluated control has an audit and a remediation; every control has a remediation', () => {
    for (const c of profile.controls) {
      expect(c.remediation.trim(), c.id).not.toBe('');
      if (c.check.kind !== 'fixed') expect(c.audit.length, c.id).toBeGreaterThan(0);
    }
  });

  it('Pass (Not Applicable) controls are not-applicable with the guide reason; Document and 1.6.x are manual', () => {
    for (const c of profile.controls) {
      const r = c.guide.result;
      if (r === 'Pass (Not Applicable)')
        expect(c.check, c.id).toMatchObject({ kind: 'fixed', status: 'not-applicable' });
      if (r === 'Document' || c.section === '1.6')
        expect(c.check, c.id).toMatchObject({ kind: 'fixed', status: 'manual' });
    }
  });

  it('1.4.9 and 1.4.10 are automated over both CNI folders', () => {
    for (const id of ['1.4.9', '1.4.10']) {
      const c = profile.controls.find((x) => x.id === id);
      expect(c?.check).toMatchObject({
        target: 'entries',
        paths: ['/var/lib/cni/networks/k8s-pod-network', '/etc/cni/net.d'],
      });
    }
  });

  it('the cipher controls use the CIS strong list', () => {
    for (const id of ['1.1.30', '1.1.39', '2.1.15']) {
      expect(profile.controls.find((x) => x.id === id)?.check.kind).toBe('cipher-list');
    }
  });

  it('errata are checked as the benchmark means and say so', () => {
    const c136 = profile.controls.find((x) => x.id === '1.3.6');
    expect(c136?.check).toMatchObject({ kind: 'flag', container: 'kube-controller-manager' });
    expect(c136?.erratum).toMatch(/kube-apiserver/);
    expect(profile.controls.find((x) => x.id === '1.5.5')?.erratum).toBeTruthy();
  });
});

describe('examples/hardened-node.json reproduces every Result line of the guide', () => {
  const report = evaluate(profile, readEvidence('examples/hardened-node.json'));
  it('evaluates all 113 controls', () => {
    expect(report.results).toHaveLength(113);
  });
  it.each(index)('$id: guide says $result', (g) => {
    const r = report.results.find((x) => x.id === g.id);
    expect(r?.status, `${g.id}: ${r?.actual ?? ''}`).toBe(STATUS_OF[g.result]);
  });
  it('the scored failures are exactly the guide\'s "Known Scored Control Failures"', () => {
    const failing = report.results.filter((r) => r.scored && r.status === 'fail').map((r) => r.id);
    expect(failing).toEqual([
      '1.1.21',
      '1.3.6',
      '1.4.11',
      '1.4.12',
      '2.1.3',
      '2.1.9',
      '2.1.13',
      '2.1.14',
    ]);
  });
  it('shows what the guide returned for a sample of controls', () => {
    const actual = (id: string) => report.results.find((r) => r.id === id)?.actual;
    expect(actual('1.1.1')).toBe('--anonymous-auth=false');
    expect(actual('1.4.11')).toBe('755');
    expect(actual('1.4.12')).toBe('root:root');
    expect(actual('2.1.9')).toBe('--hostname-override=172.31.22.135');
  });
  it('1.1.13 (manual) shows the admission plugins the node enables, for the person who judges', () => {
    const r = report.results.find((x) => x.id === '1.1.13');
    expect(r?.status).toBe('manual');
    expect(r?.actual).toMatch(/^--enable-admission-plugins=ServiceAccount,.*,PodSecurityPolicy$/);
  });
});

describe('examples/insecure-node.json', () => {
  const report = evaluate(profile, readEvidence('examples/insecure-node.json'));
  it.each([
    ['1.1.1'],
    ['1.1.2'],
    ['1.1.8'],
    ['1.1.10'],
    ['1.1.30'],
    ['1.1.35'],
    ['1.4.9'],
    ['1.4.10'],
    ['1.4.11'],
    ['1.4.15'],
    ['1.5.3'],
    ['1.7.1'],
    ['1.7.2'],
    ['1.7.6'],
    ['1.7.7'],
    ['2.1.6'],
  ])('%s fails', (id) => {
    expect(report.results.find((r) => r.id === id)?.status).toBe('fail');
  });
  it('never errors: all its evidence is there', () => {
    expect(report.summary.error).toBe(0);
  });
});

describe('admission plugins and audit through the flags a 1.11 apiserver reads', () => {
  const hardened = readEvidence('examples/hardened-node.json');
  /** The hardened node with kube-apiserver's arguments edited. */
  const withApiArgs = (edit: (args: string[]) => string[]) => {
    const c = hardened.containers['kube-apiserver'];
    if (c?.status !== 'present') throw new Error('the hardened example has no kube-apiserver');
    const evidence = {
      ...hardened,
      containers: { ...hardened.containers, 'kube-apiserver': { ...c, args: edit(c.args) } },
    };
    const results = evaluate(profile, evidence).results;
    return (id: string) => results.find((r) => r.id === id);
  };
  const PLUGINS = /^--enable-admission-plugins=(.*)$/;
  /** The node's plugin list moved to the deprecated --admission-control, with changes. */
  const deprecated = (change: (plugins: string) => string) =>
    withApiArgs((args) =>
      args.map((a) => {
        const m = PLUGINS.exec(a);
        return m === null ? a : `--admission-control=${change(m[1] ?? '')}`;
      }),
    );

  it('AlwaysAdmit given only in the deprecated --admission-control fails 1.1.10', () => {
    const r = deprecated((p) => `${p},AlwaysAdmit`)('1.1.10');
    expect(r?.status).toBe('fail');
    expect(r?.actual).toContain('--admission-control=');
    expect(r?.actual).toContain('AlwaysAdmit');
  });
  it.each(['1.1.11', '1.1.12', '1.1.14', '1.1.24', '1.1.27', '1.1.33', '1.1.36'])(
    '%s passes with the plugins in --admission-control, and fails without the plugin',
    (id) => {
      const kept = deprecated((p) => p)(id);
      expect(kept?.status, kept?.actual).toBe('pass');
      expect(kept?.actual).not.toContain('--enable-admission-plugins not set');
      const plugin = /plugin (\w+) is set/.exec(kept?.title ?? '')?.[1] ?? '';
      expect(plugin).not.toBe('');
      const dropped = deprecated((p) =>
        p
          .split(',')
          .filter((x) => x !== plugin)
          .join(','),
      )(id);
      expect(dropped?.status, dropped?.actual).toBe('fail');
    },
  );
  it('AdvancedAuditing=false in --feature-gates fails 1.1.37, with the audit policy set', () => {
    const r = withApiArgs((args) => [...args, '--feature-gates=AdvancedAuditing=false'])('1.1.37');
    expect(r?.status).toBe('fail');
    expect(r?.actual).toContain('--audit-policy-file=/etc/kubernetes/audit.yaml');
    expect(r?.actual).toContain('--feature-gates=AdvancedAuditing=false');
    const on = withApiArgs((args) => [...args, '--feature-gates=AdvancedAuditing=true'])('1.1.37');
    expect(on?.status).toBe('pass');
  });
});

describe('regex safety', () => {
  it('every regex in the profile runs in bounded time on a 1 MB argument', () => {
    // Flag checks may group their tests; every test, at any depth, is looked at.
    type Item = { op?: string; value?: string } | { tests: Item[] };
    const flat = (items: readonly Item[]): { op?: string; value?: string }[] =>
      items.flatMap((t) => ('tests' in t ? flat(t.tests) : [t]));
    const regexes = profile.controls.flatMap((c) =>
      'tests' in c.check
        ? flat(c.check.tests as Item[])
            .filter((t) => t.op === 'regex')
            .map((t) => t.value ?? '')
        : [],
    );
    expect(regexes.length).toBeGreaterThan(0);
    const inputs = [
      'a'.repeat(1 << 20),
      `${'0'.repeat(1 << 20)}x`,
      ' '.repeat(1 << 20),
      '=,'.repeat(1 << 19),
    ];
    for (const re of regexes) {
      for (const input of inputs) {
        const t0 = process.hrtime.bigint();
        new RegExp(re).test(input);
        // Catastrophic backtracking takes seconds to hours; linear matching takes milliseconds.
        expect(Number(process.hrtime.bigint() - t0) / 1e6, re).toBeLessThan(1000);
      }
    }
  });
});
