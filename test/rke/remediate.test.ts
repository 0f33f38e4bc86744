import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { clusterYmlSchema, loadClusterYml, type ClusterYml } from '../../src/rke/cluster-yml.js';
import { planReport } from '../../src/rke/plan-report.js';
import { planCluster, planEvidence } from '../../src/rke/plan.js';
import { notAutomatable } from '../../src/rke/remediate/flag-fix.js';
import { buildRemediation, type Remediation } from '../../src/rke/remediate/index.js';
import { addedLines, dig, isLineSubsequence, runMain, tmp } from './helpers.js';

const profile = loadProfile('rke-cis-1.3.0');
const KEY = Buffer.alloc(32, 7).toString('base64');
const planOf = (config: ClusterYml, source = 'cluster.yml'): NodeReport[] =>
  planCluster(config).map((n) => planReport(profile, planEvidence(n, source)));
const parseCluster = (text: string): ClusterYml => clusterYmlSchema.parse(parse(text));
const statuses = (reports: NodeReport[]): string[] =>
  reports.flatMap((r) => r.results.map((x) => `${r.node.name} ${x.id} ${x.status}`));

function remediateFile(file: string): { text: string; r: Remediation } {
  const text = readFileSync(file, 'utf8');
  const config = loadClusterYml(file).config;
  const r = buildRemediation({
    profile,
    reports: planOf(config, file),
    cluster: { file, text, config },
    encryptionKey: KEY,
    source: file,
    version: 'test',
  });
  return { text, r };
}

describe('round trip: remediate the default cluster.yml, then plan it', () => {
  const { text, r } = remediateFile('examples/cluster-default.yml');
  const out = r.clusterYml?.text ?? '';
  const after = planOf(parseCluster(out));

  it('passes every automatable flag control on every node', () => {
    expect(r.clusterYml?.exact).toBe(true);
    for (const c of profile.controls) {
      if (c.check.kind !== 'flag' && c.check.kind !== 'cipher-list') continue;
      if (notAutomatable(c.check) !== undefined) continue;
      for (const rep of after) {
        const res = rep.results.find((x) => x.id === c.id);
        if (res !== undefined)
          expect(`${rep.node.name} ${c.id} ${res.status}`).toBe(`${rep.node.name} ${c.id} pass`);
      }
    }
  });

  it("gives exactly the hardened cluster.yml's verdicts", () => {
    const hardened = planOf(loadClusterYml('examples/cluster-hardened.yml').config);
    expect(statuses(after)).toEqual(statuses(hardened));
  });

  it('keeps every line of the original, comments and unrelated keys byte for byte, adding lines only under services', () => {
    expect(isLineSubsequence(text, out)).toBe(true);
    const added = addedLines(text, out);
    expect(added.length).toBeGreaterThan(20);
    for (const l of added) expect(l).toMatch(/^ {2,}\S/);
    const servicesAt = out.indexOf('\nservices:\n');
    const networkAt = out.indexOf('\nnetwork:\n');
    expect(out.slice(0, servicesAt)).toBe(text.slice(0, text.indexOf('\nservices:\n')));
    expect(out.slice(networkAt)).toBe(text.slice(text.indexOf('\nnetwork:\n')));
  });

  it('says which controls have no automatic fix, with the guide mitigation', () => {
    const manual = r.outcomes.filter((o) => o.how === 'mitigation').map((o) => o.id);
    expect(manual).toEqual(['1.1.21', '1.3.6', '1.5.7', '2.1.3', '2.1.9', '2.1.13', '2.1.14']);
    const readme = r.files.find((f) => f.name === 'README.md')?.content ?? '';
    expect(readme).toContain(
      '### 1.1.21 Ensure that the --kubelet-certificate-authority argument is set as appropriate',
    );
    expect(readme).toMatch(
      /Mitigation \(the guide\): Make sure nodes with role:controlplane are on the same local network/,
    );
  });

  it('writes the hardening files, the PSP manifest and the host scripts', () => {
    const names = r.files.map((f) => f.name).sort();
    expect(names).toEqual(
      [
        'README.md',
        'admission.yaml',
        'audit.yaml',
        'encryption.yaml',
        'event.yaml',
        'host-all.sh',
        'host-controlplane.sh',
        'host-etcd.sh',
        'restricted-psp.yaml',
      ].sort(),
    );
    const file = (n: string): string => r.files.find((f) => f.name === n)?.content ?? '';
    const enc: unknown = parse(file('encryption.yaml'));
    expect(dig(enc, 'kind')).toBe('EncryptionConfig');
    expect(dig(enc, 'resources', 0, 'providers', 0, 'aescbc', 'keys', 0, 'secret')).toBe(KEY);
    expect(Object.keys(dig(enc, 'resources', 0, 'providers', 1) as object)).toEqual(['identity']);
    expect(r.files.find((f) => f.name === 'encryption.yaml')?.secret).toBe(true);
    expect(dig(parse(file('admission.yaml')), 'plugins', 0)).toEqual({
      name: 'EventRateLimit',
      path: '/etc/kubernetes/event.yaml',
    });
    expect(dig(parse(file('event.yaml')), 'limits', 0)).toEqual({
      type: 'Server',
      qps: 500,
      burst: 5000,
    });
    expect(parse(file('audit.yaml'))).toEqual({
      apiVersion: 'audit.k8s.io/v1beta1',
      kind: 'Policy',
      rules: [{ level: 'Metadata' }],
    });
    const psp = file('restricted-psp.yaml')
      .split('\n---\n')
      .map((d) => parse(d) as { kind: string; spec?: Record<string, unknown> });
    expect(psp.map((d) => d.kind)).toEqual([
      'PodSecurityPolicy',
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
    expect(psp[0]?.spec).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      requiredDropCapabilities: ['NET_RAW'],
      runAsUser: { rule: 'MustRunAsNonRoot' },
    });
    expect(file('host-etcd.sh')).toContain("chmod u-s,g-rwxs,o-rwxt '/var/lib/etcd'");
    expect(file('host-etcd.sh')).toContain("chown 'etcd:etcd' '/var/lib/etcd'");
    expect(file('host-etcd.sh')).toMatch(/# 1\.4\.11: /);
    expect(file('host-controlplane.sh')).toContain(
      `install -m 0600 -o root -g root "$here/"'encryption.yaml' '/etc/kubernetes/encryption.yaml'`,
    );
    expect(file('host-controlplane.sh')).toContain("install -d -m 0700 '/var/log/kube-audit'");
    expect(file('host-all.sh')).toContain('vm.overcommit_memory=1');
    for (const s of ['host-all.sh', 'host-controlplane.sh', 'host-etcd.sh']) {
      expect(file(s).startsWith('#!/bin/sh\n')).toBe(true);
      expect(file(s)).toContain('\nset -eu\n');
      execFileSync('sh', ['-n', '-c', file(s)]);
    }
  });

  it('never puts the key anywhere but encryption.yaml', () => {
    for (const f of r.files.filter((x) => x.name !== 'encryption.yaml'))
      expect(f.content).not.toContain(KEY);
    expect(out).not.toContain(KEY);
  });

  it('is idempotent: remediating the result changes nothing in cluster.yml', () => {
    const config = parseCluster(out);
    const again = buildRemediation({
      profile,
      reports: planOf(config),
      cluster: { file: 'x.yml', text: out, config },
      encryptionKey: KEY,
      source: 'x',
      version: 'test',
    });
    expect(again.edits).toEqual([]);
  });
});

describe('comments and unrelated keys survive remediation of a cluster.yml with its own extra_args', () => {
  const SRC = `# my cluster
nodes:
  - {address: 10.1.1.1, role: [controlplane, etcd, worker], user: ubuntu}   # one box

services:
  kube-api:
    # we turned profiling on for a test
    extra_args:
      profiling: "true"    # TODO remove
      basic-auth-file: /etc/kubernetes/basic.csv
      enable-admission-plugins: "ServiceAccount,NamespaceLifecycle,AlwaysAdmit"
    extra_binds: ["/opt/x:/opt/x"]
  kubelet:
    extra_args: {event-qps: "5"}

# addons stay as they are
addons: |-
  ---
  apiVersion: v1
  kind: Namespace
  metadata:
    name: x
`;
  const config = parseCluster(SRC);
  const r = buildRemediation({
    profile,
    reports: planOf(config),
    cluster: { file: 'c.yml', text: SRC, config },
    encryptionKey: KEY,
    source: 'c.yml',
    version: 'test',
  });
  const out = r.clusterYml?.text ?? '';

  it('changes values in place, deletes what must go, keeps the rest', () => {
    expect(r.clusterYml?.exact).toBe(true);
    expect(out).toContain('      profiling: "false"    # TODO remove\n');
    expect(out).not.toContain('basic-auth-file');
    expect(out).toContain('    # we turned profiling on for a test\n');
    expect(out).toContain(
      '    extra_binds: ["/opt/x:/opt/x", "/var/log/kube-audit:/var/log/kube-audit"]\n',
    );
    expect(out).toContain('    extra_args: { event-qps: "0", protect-kernel-defaults: "true" }\n');
    expect(
      out.startsWith(
        '# my cluster\nnodes:\n  - {address: 10.1.1.1, role: [controlplane, etcd, worker], user: ubuntu}   # one box\n',
      ),
    ).toBe(true);
    expect(out.slice(out.indexOf('# addons stay'))).toBe(SRC.slice(SRC.indexOf('# addons stay')));
    const plugins = dig(
      parse(out),
      'services',
      'kube-api',
      'extra_args',
      'enable-admission-plugins',
    ) as string;
    expect(plugins.split(',')).not.toContain('AlwaysAdmit');
    expect(plugins.split(',')).toEqual(
      expect.arrayContaining([
        'ServiceAccount',
        'NamespaceLifecycle',
        'NodeRestriction',
        'PodSecurityPolicy',
        'EventRateLimit',
      ]),
    );
  });

  it('the plan of the result passes every automatable flag control', () => {
    for (const rep of planOf(parseCluster(out))) {
      for (const res of rep.results) {
        const c = profile.controls.find((x) => x.id === res.id);
        if (
          c === undefined ||
          (c.check.kind !== 'flag' && c.check.kind !== 'cipher-list') ||
          notAutomatable(c.check) !== undefined
        )
          continue;
        expect(`${res.id} ${res.status} ${res.actual}`).toBe(`${res.id} pass ${res.actual}`);
      }
    }
  });
});

describe('remediate from a live node (evidence or its report), without a cluster.yml', () => {
  it('writes the services fragment that, merged into cluster.yml, fixes the flags', () => {
    const [node] = planCluster(loadClusterYml('examples/cluster-default.yml').config);
    if (node === undefined) throw new Error('no node');
    const evidence = planEvidence(node, 'x');
    evidence.roles = { detected: ['controlplane', 'etcd', 'worker'], source: 'containers' };
    const r = buildRemediation({
      profile,
      reports: [planReport(profile, evidence)],
      evidence: [evidence],
      encryptionKey: KEY,
      source: 'ev.json',
      version: 'test',
    });
    expect(r.clusterYml).toBeUndefined();
    const fragment = r.files.find((f) => f.name === 'cluster-yml-changes.yml')?.content ?? '';
    const services = (parse(fragment) as { services: Record<string, unknown> }).services;
    expect(services['kube-api']).toMatchObject({
      pod_security_policy: true,
      extra_binds: ['/var/log/kube-audit:/var/log/kube-audit'],
    });
    expect(services.scheduler).toEqual({
      extra_args: { profiling: 'false', address: '127.0.0.1' },
    });
    const merged = parseCluster(
      readFileSync('examples/cluster-default.yml', 'utf8').replace(
        /\nservices:[\s\S]*?\nnetwork:/,
        `\nnetwork:`,
      ),
    );
    const withFragment = clusterYmlSchema.parse({ ...merged, services });
    const hardened = planOf(loadClusterYml('examples/cluster-hardened.yml').config);
    expect(statuses(planOf(withFragment))).toEqual(statuses(hardened));
  });
});

describe('remediate from a report alone', () => {
  it("builds list flags from the report's own values, keeping the cluster's plugins", () => {
    const config = parseCluster(
      'nodes:\n  - {address: a, role: [controlplane, etcd, worker]}\nservices:\n  kube-api:\n    extra_args:\n      enable-admission-plugins: "ServiceAccount,NamespaceLifecycle,MyPlugin"\n',
    );
    const r = buildRemediation({
      profile,
      reports: planOf(config),
      encryptionKey: KEY,
      source: 'plan.json',
      version: 'test',
    });
    const fragment = r.files.find((f) => f.name === 'cluster-yml-changes.yml')?.content ?? '';
    const plugins = String(
      dig(parse(fragment), 'services', 'kube-api', 'extra_args', 'enable-admission-plugins'),
    );
    expect(plugins.split(',')).toEqual(
      expect.arrayContaining([
        'ServiceAccount',
        'NamespaceLifecycle',
        'MyPlugin',
        'NodeRestriction',
      ]),
    );
    expect(plugins.split(',')).not.toContain('LimitRanger');
  });
});

describe('remediate reads what the verdicts found, not their text', () => {
  it('writes a file a scan found missing (an error whose found data says so)', () => {
    const evidence = readEvidence('examples/insecure-node.json');
    evidence.files['/etc/kubernetes/encryption.yaml'] = { status: 'absent' };
    const report = JSON.parse(JSON.stringify(evaluate(profile, evidence))) as NodeReport;
    const res = report.results.find((x) => x.id === '1.1.35');
    expect(res).toMatchObject({ status: 'error', found: { id: 'file-absent' } });
    const r = buildRemediation({
      profile,
      reports: [report],
      encryptionKey: KEY,
      source: 'r.json',
      version: 'test',
    });
    expect(r.unjudged.map((u) => u.id)).not.toContain('1.1.35');
    expect(r.outcomes.find((o) => o.id === '1.1.35')?.summary).toMatch(/encryption\.yaml/);
    expect(r.files.map((f) => f.name)).toContain('encryption.yaml');
    expect(r.warnings).toEqual([]);
  });

  it('warns, when called on results without found data, that their values are not known', () => {
    const report = JSON.parse(
      JSON.stringify(evaluate(profile, readEvidence('examples/insecure-node.json'))),
    ) as NodeReport;
    const failed = report.results.filter((x) => x.status === 'fail' || x.status === 'error');
    for (const x of report.results) delete x.found;
    const r = buildRemediation({
      profile,
      reports: [report],
      encryptionKey: KEY,
      source: 'r.json',
      version: 'test',
    });
    expect(r.warnings).toEqual([
      `${failed.length} failed or erred results carry no "found" data (a report of an older rkecis): the flag values and missing files they found are not known to this remediation; make the report again for exact fixes`,
    ]);
  });
});

describe('rkecis remediate (CLI)', () => {
  const setup = async (): Promise<{ dir: string; cluster: string; plan: string }> => {
    const dir = tmp();
    const cluster = join(dir, 'cluster.yml');
    copyFileSync('examples/cluster-default.yml', cluster);
    const p = await runMain([
      'plan',
      cluster,
      '--format',
      'json',
      '--output',
      join(dir, 'plan.json'),
    ]);
    expect(p.code).toBe(1);
    return { dir, cluster, plan: join(dir, 'plan.json') };
  };

  it('writes the new cluster.yml beside the original, the files mode 0600, and a summary', async () => {
    const { dir, cluster, plan } = await setup();
    const before = readFileSync(cluster, 'utf8');
    const out = join(dir, 'fix');
    const r = await runMain(['remediate', plan, '--cluster-yml', cluster, '--output-dir', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(cluster, 'utf8')).toBe(before);
    const next = join(dir, 'cluster.remediated.yml');
    expect(existsSync(next)).toBe(true);
    expect(r.stdout).toMatch(
      /cluster\.yml \(extra_args, pod_security_policy, extra_binds\): 1\.1\.1, .* -> .*cluster\.remediated\.yml/,
    );
    expect(r.stdout).toMatch(/no automatic fix \(mitigation in README\.md\): 1\.1\.21, 1\.3\.6/);
    for (const f of [
      'encryption.yaml',
      'audit.yaml',
      'admission.yaml',
      'event.yaml',
      'restricted-psp.yaml',
      'host-etcd.sh',
      'README.md',
    ]) {
      expect(statSync(join(out, f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const key =
      (
        parse(readFileSync(join(out, 'encryption.yaml'), 'utf8')) as {
          resources: { providers: { aescbc: { keys: { secret: string }[] } }[] }[];
        }
      ).resources[0]?.providers[0]?.aescbc.keys[0]?.secret ?? '';
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(r.stdout).not.toContain(key);

    // The plan of the new cluster.yml gives the hardened verdicts.
    const p2 = await runMain(['plan', next, '--format', 'json']);
    const h = await runMain(['plan', 'examples/cluster-hardened.yml', '--format', 'json']);
    // A cluster's plan is one cluster report: each control's status on each node.
    const verdicts = (s: string): string[] =>
      (JSON.parse(s) as ClusterReport).results.map((x) => `${x.id} ${JSON.stringify(x.nodes)}`);
    expect(verdicts(p2.stdout)).toEqual(verdicts(h.stdout));

    // A second run refuses to overwrite, then --force does, with a fresh key.
    const again = await runMain(['remediate', plan, '--cluster-yml', cluster, '--output-dir', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /would overwrite .*encryption\.yaml.*cluster\.remediated\.yml; .*--force/,
    );
    const forced = await runMain([
      'remediate',
      plan,
      '--cluster-yml',
      cluster,
      '--output-dir',
      out,
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'encryption.yaml'), 'utf8')).not.toContain(key);
  });

  it('--in-place rewrites the cluster.yml itself', async () => {
    const { dir, cluster, plan } = await setup();
    const r = await runMain([
      'remediate',
      plan,
      '--cluster-yml',
      cluster,
      '--output-dir',
      join(dir, 'o'),
      '--in-place',
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'cluster.remediated.yml'))).toBe(false);
    expect(readFileSync(cluster, 'utf8')).toContain('anonymous-auth: "false"');
    expect((await runMain(['plan', cluster, '--format', 'json'])).code).toBe(1);
  });

  it('reads an evidence bundle, and says when nothing failed', async () => {
    const dir = tmp();
    const [node] = planCluster(loadClusterYml('examples/cluster-hardened.yml').config);
    if (node === undefined) throw new Error('no node');
    const ev = join(dir, 'ev.json');
    writeFileSync(ev, JSON.stringify(planEvidence(node, 'x')));
    const r = await runMain(['remediate', ev, '--output-dir', join(dir, 'o')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no automatic fix/);
    const report = join(dir, 'r.json');
    writeFileSync(
      report,
      JSON.stringify({ ...planReport(profile, planEvidence(node, 'x')), results: [] }),
    );
    const none = await runMain(['remediate', report, '--output-dir', join(dir, 'none')]);
    expect(none.stdout).toMatch(/nothing to write/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('refuses a report whose failures carry no found data (an older rkecis), writing nothing', async () => {
    const dir = tmp();
    const evaluated = await runMain(['evaluate', 'examples/insecure-node.json', '-f', 'json']);
    const node = JSON.parse(evaluated.stdout) as NodeReport;
    for (const x of node.results) delete x.found;
    const { plan } = await setup();
    const cluster = JSON.parse(readFileSync(plan, 'utf8')) as ClusterReport;
    for (const x of cluster.results) for (const f of x.findings) delete f.found;
    for (const [name, data] of [
      ['node.json', node],
      ['cluster.json', cluster],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(data));
      const out = join(dir, `out-${name}`);
      const r = await runMain(['remediate', file, '--output-dir', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^rkecis: ${file.replace(/[.]/g, '\\.')}: its failed or erred results \\(1\\.1\\.1, .* and \\d+ more\\) carry no "found" data.*an older rkecis.*make the report again`,
        ),
      );
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  });
});
