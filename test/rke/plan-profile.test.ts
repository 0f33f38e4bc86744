import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load.js';
import { planReport } from '../../src/rke/plan-report.js';
import { loadClusterYml } from '../../src/rke/cluster-yml.js';
import { planCluster, planEvidence } from '../../src/rke/plan.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain, tmp } from './helpers.js';

const profile = loadProfile('rke-cis-1.3.0');
const FLAG_KINDS = new Set(['flag', 'cipher-list']);
const flagControls = profile.controls.filter((c) => FLAG_KINDS.has(c.check.kind));
const plan = (file: string): NodeReport[] =>
  planCluster(loadClusterYml(file).config).map((n) => planReport(profile, planEvidence(n, file)));
const failing = (reports: NodeReport[]): string[] =>
  [
    ...new Set(
      reports.flatMap((r) => r.results.filter((x) => x.status === 'fail').map((x) => x.id)),
    ),
  ].sort();

/** The guide's known failures of RKE v0.1.x that are container flags (its list, plus 1.5.7). */
const GUIDE_FLAG_FAILURES = ['1.1.21', '1.3.6', '1.5.7', '2.1.13', '2.1.14', '2.1.3', '2.1.9'];

/** What a default RKE v0.1.x cluster lacks of the hardening guide's cluster.yml, per control. */
const HARDENING_GUIDE_FIXES = [
  '1.1.1', // anonymous-auth false
  '1.1.11',
  '1.1.12',
  '1.1.24',
  '1.1.33',
  '1.1.36', // admission plugins (and EventRateLimit's config file)
  '1.1.15',
  '1.1.16',
  '1.1.17',
  '1.1.18', // audit log
  '1.1.23', // service-account-lookup
  '1.1.34', // encryption provider config
  '1.1.37', // audit policy file
  '1.1.8',
  '1.1.9', // profiling, repair-malformed-updates
  '1.2.1',
  '1.2.2',
  '1.3.1',
  '1.3.2',
  '1.3.7', // scheduler and controller manager
  '2.1.10',
  '2.1.7', // kubelet event-qps, protect-kernel-defaults
];

describe('plan of the examples', () => {
  const def = plan('examples/cluster-default.yml');
  const hard = plan('examples/cluster-hardened.yml');

  it('plans the three nodes of each', () => {
    expect(def.map((r) => r.node.name)).toEqual(['rke-cp-1', 'rke-worker-1', 'rke-worker-2']);
    expect(hard.map((r) => `${r.node.name}:${r.node.roles.join(',')}`)).toEqual([
      'rke-cp-1:controlplane,etcd,worker',
      'rke-worker-1:etcd,worker',
      'rke-worker-2:etcd,worker',
    ]);
    for (const r of [...def, ...hard]) expect(r.node.rolesSource).toBe('declared');
  });

  it('the default cluster.yml fails the flag controls a default RKE v0.1.x cluster fails', () => {
    expect(failing(def)).toEqual([...GUIDE_FLAG_FAILURES, ...HARDENING_GUIDE_FIXES].sort());
  });

  it('the hardened cluster.yml passes every flag control the guide passes, and fails only its known failures', () => {
    for (const c of flagControls.filter((x) => x.guide.result === 'Pass')) {
      for (const r of hard) {
        const res = r.results.find((x) => x.id === c.id);
        if (res !== undefined)
          expect(`${r.node.name} ${c.id} ${res.status} ${res.actual}`).toBe(
            `${r.node.name} ${c.id} pass ${res.actual}`,
          );
      }
    }
    expect(failing(hard)).toEqual([...GUIDE_FLAG_FAILURES].sort());
  });

  it('judges every flag control on the nodes that run its container, and nothing else', () => {
    for (const r of [...def, ...hard]) {
      for (const res of r.results) {
        const c = profile.controls.find((x) => x.id === res.id);
        if (c === undefined) throw new Error(res.id);
        if (FLAG_KINDS.has(c.check.kind)) expect(['pass', 'fail']).toContain(res.status);
        else if (c.check.kind === 'fixed') expect(res.status).toBe(c.check.status);
        else {
          expect(res.status).toBe('manual');
          expect(res.reason).toMatch(/^Not decided by cluster\.yml/);
        }
      }
    }
  });

  it('says what the deployment must also do for host and API controls', () => {
    const cp = def[0];
    const reason = (id: string): string => cp?.results.find((x) => x.id === id)?.reason ?? '';
    expect(reason('1.1.35')).toMatch(/\/etc\/kubernetes\/encryption\.yaml.*0600/);
    expect(reason('1.4.11')).toMatch(/\/var\/lib\/etcd.*700.*RKE v0\.1\.x creates it 755/);
    expect(reason('1.7.1')).toMatch(/podsecuritypolicies object "restricted"/);
    expect(reason('2.2.1')).toMatch(/644/);
  });
});

describe('rkecis plan (CLI)', () => {
  it('text: the cluster report of the planned nodes, said to be a plan; exit 1 on failures', async () => {
    const r = await runMain(['plan', 'examples/cluster-default.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Cluster: rke-default \(examples\/cluster-default\.yml\)$/m);
    expect(r.stdout).toMatch(
      /^Plan: planned from examples\/cluster-default\.yml, not scanned: each node's containers as RKE v0\.1\.11\n {2}would create them/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}rke-cp-1 +controlplane, etcd, worker: \d+ pass, 29 fail, 0 error$/m,
    );
    expect(r.stdout).toContain(
      '[FAIL]   1.1.1 Ensure that the --anonymous-auth argument is set to false (Scored) [1 node]',
    );
  });

  it('json: one cluster report, each control with its status on each node', async () => {
    const r = await runMain(['plan', 'examples/cluster-hardened.yml', '--format', 'json']);
    expect(r.code).toBe(1); // the guide's known failures are scored
    const report = JSON.parse(r.stdout) as ClusterReport;
    expect(report.kind).toBe('cluster');
    expect(report.plan).toMatch(/^planned from examples\/cluster-hardened\.yml, not scanned/);
    expect(report.nodes.map((x) => x.name)).toEqual(['rke-cp-1', 'rke-worker-1', 'rke-worker-2']);
    expect(report.coverage).toMatchObject({ expected: 3, scanned: 3, complete: true });
    expect(report.results).toHaveLength(113);
    expect(report.results.find((x) => x.id === '2.1.2')?.nodes).toEqual({
      'rke-cp-1': 'pass',
      'rke-worker-1': 'pass',
      'rke-worker-2': 'pass',
    });
  });

  it('--node picks one node: its node report', async () => {
    const r = await runMain([
      'plan',
      'examples/cluster-hardened.yml',
      '--format',
      'json',
      '--node',
      'rke-worker-2',
    ]);
    expect((JSON.parse(r.stdout) as NodeReport).node.name).toBe('rke-worker-2');
    const text = await runMain(['plan', 'examples/cluster-hardened.yml', '--node', 'rke-cp-1']);
    expect(text.stdout).toMatch(/Plan of examples\/cluster-hardened\.yml: RKE v0\.1\.11 defaults/);
    const bad = await runMain(['plan', 'examples/cluster-hardened.yml', '--node', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--node nope: no such node .*rke-cp-1, rke-worker-1, rke-worker-2/);
  });

  it('exits 0 when no scored control fails (a one-control profile)', async () => {
    const dir = join(tmp(), 'p');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'profile.yaml'),
      "name: one\ntitle: One\nbenchmark: {name: t, version: '1'}\nkubernetes: '1.11'\ngroups: [{id: '1', title: t}]\nsections: [s.yaml]\n",
    );
    writeFileSync(
      join(dir, 's.yaml'),
      "section: '1.1'\ntitle: t\ncontrols:\n  - id: '1.1.1'\n    title: anonymous-auth\n    scored: true\n    role: controlplane\n    guide: {result: Pass}\n    check: {kind: flag, container: kube-apiserver, tests: [{flag: --anonymous-auth, op: eq, value: 'false'}]}\n    remediation: set it\n",
    );
    expect((await runMain(['plan', 'examples/cluster-hardened.yml', '--profile', dir])).code).toBe(
      0,
    );
    expect((await runMain(['plan', 'examples/cluster-default.yml', '--profile', dir])).code).toBe(
      1,
    );
  });
});
