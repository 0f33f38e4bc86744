import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { loadClusterYml } from '../../src/rke/cluster-yml.js';
import { planNodeReport } from '../../src/rke/plan-report.js';
import { planCluster } from '../../src/rke/plan.js';
import { expectNoTrace, runMain, tempDir } from './harness.js';

/**
 * extra_args as RKE passes them. RKE reads them into a map[string]string with yaml.v2, so a plain
 * scalar reaches the component as written: `5.0` or `1e1` is not the integer an int flag takes
 * (the component refuses to start), and must not plan as the 5 or 10 YAML would make of it. And
 * RKE keys that map by the name as written while components read `_` as `-`: a flag given under
 * both spellings, with different values, is written twice in Go's random map order, so the plan
 * cannot know which one the component takes. Neither may plan as a pass.
 */
const profile = loadProfile('rke-cis-1.3.0');
const tmp = tempDir('plan-extra-args');
afterAll(tmp.remove);
const HARDENED = readFileSync('examples/cluster-hardened.yml', 'utf8');

let n = 0;
function clusterYml(edit: (text: string) => string): string {
  const text = edit(HARDENED);
  expect(text).not.toBe(HARDENED);
  const file = join(tmp.dir, `cluster-${n++}.yml`);
  writeFileSync(file, text);
  return file;
}

function plan(file: string): NodeReport {
  const [cp] = planCluster(loadClusterYml(file).config);
  if (cp === undefined) throw new Error('no node');
  return planNodeReport(profile, cp, file);
}
const result = (r: NodeReport, id: string) => r.results.find((x) => x.id === id);

describe('plan: extra_args values are the literal text RKE passes', () => {
  it('the hardened cluster.yml passes these controls, as the baseline', () => {
    const r = plan(clusterYml((t) => t.replace('cluster_name: rke-hardened', 'cluster_name: x')));
    for (const id of ['1.1.16', '1.1.17', '1.1.18', '1.3.1', '2.1.10'])
      expect(result(r, id)?.status, id).toBe('pass');
  });

  it.each([
    ['1.1.16', 'audit-log-maxage: "5"', 'audit-log-maxage: 5.0', '--audit-log-maxage=5.0'],
    ['1.1.17', 'audit-log-maxbackup: "5"', 'audit-log-maxbackup: 1e1', '--audit-log-maxbackup=1e1'],
    ['1.1.18', 'audit-log-maxsize: "100"', 'audit-log-maxsize: 0x64', '--audit-log-maxsize=0x64'],
    [
      '1.3.1',
      'terminated-pod-gc-threshold: "1000"',
      'terminated-pod-gc-threshold: 1.0e3',
      '--terminated-pod-gc-threshold=1.0e3',
    ],
    ['2.1.10', 'event-qps: "0"', 'event-qps: 0.0', '--event-qps=0.0'],
  ])(
    '%s: %s written as a YAML number (%s) is not an integer the flag takes',
    (id, from, to, actual) => {
      const r = plan(clusterYml((t) => t.replace(from, to)));
      expect(result(r, id)?.status).toBe('fail');
      expect(result(r, id)?.actual).toBe(actual);
    },
  );

  it('plain integers and booleans still plan as before', () => {
    const r = plan(
      clusterYml((t) =>
        t
          .replace('audit-log-maxage: "5"', 'audit-log-maxage: 5')
          .replace('anonymous-auth: "false"', 'anonymous-auth: false'),
      ),
    );
    expect(result(r, '1.1.16')).toMatchObject({ status: 'pass', actual: '--audit-log-maxage=5' });
    expect(result(r, '1.1.1')).toMatchObject({ status: 'pass', actual: '--anonymous-auth=false' });
  });
});

describe('plan: a flag given under two spellings with different values', () => {
  it('extra_args names it twice: the controls reading it are errors, with the reason', () => {
    const r = plan(
      clusterYml((t) =>
        t.replace(
          '      audit-log-maxage: "5"\n',
          '      audit-log-maxage: "5"\n      audit_log_maxage: "0"\n',
        ),
      ),
    );
    const res = result(r, '1.1.16');
    expect(res?.status).toBe('error');
    expect(res?.reason).toMatch(
      /^--audit-log-maxage is given 2 times with different values, --audit-log-maxage=5 \(extra_args\) and --audit_log_maxage=0 \(extra_args\): RKE writes its flags in Go map order/,
    );
  });

  it("an extra_args spelling beside RKE's own default is ambiguous too", () => {
    // RKE v0.1.x gives the kubelet --anonymous-auth=false; anonymous_auth does not replace it.
    const r = plan(
      clusterYml((t) =>
        t.replace('      event-qps: "0"\n', '      event-qps: "0"\n      anonymous_auth: "true"\n'),
      ),
    );
    const res = result(r, '2.1.2');
    expect(res?.status).toBe('error');
    expect(res?.reason).toContain(
      "--anonymous-auth=false (RKE's default) and --anonymous_auth=true (extra_args)",
    );
  });

  it('two spellings with the same value are not in doubt', () => {
    const r = plan(
      clusterYml((t) =>
        t.replace(
          '      audit-log-maxage: "5"\n',
          '      audit-log-maxage: "5"\n      audit_log_maxage: "5"\n',
        ),
      ),
    );
    expect(result(r, '1.1.16')?.status).toBe('pass');
  });

  it('1.1.13 stays manual, and says its evidence is in doubt', () => {
    const r = plan(
      clusterYml((t) =>
        t.replace(
          '      profiling: "false"\n      repair',
          '      profiling: "false"\n      enable_admission_plugins: "AlwaysAdmit"\n      repair',
        ),
      ),
    );
    expect(result(r, '1.1.13')?.status).toBe('manual');
    expect(result(r, '1.1.13')?.actual).toMatch(
      /^nothing certain to show: --enable-admission-plugins is given 2 times/,
    );
    expect(result(r, '1.1.10')?.status).toBe('error');
  });

  it('rkecis plan exits 1 on it', async () => {
    const file = clusterYml((t) =>
      t.replace(
        '      audit-log-maxage: "5"\n',
        '      audit-log-maxage: "5"\n      audit_log_maxage: "0"\n',
      ),
    );
    const run = await runMain(['plan', file, '--node', 'rke-cp-1']);
    expectNoTrace(run.stderr);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('--audit-log-maxage is given 2 times');
  });
});
