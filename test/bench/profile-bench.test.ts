import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  onNode,
  procedureScript,
  profileTableMarkdown,
  styleOf,
  type ProfileScanRow,
} from '../../bench/profile-scan.js';
import type { Profile } from '../../src/profiles/schema.js';

/** The per-profile benchmark's pure parts: the procedure it times is the guide's. */

const ROOT = '/tmp/rkecis-node-X';

const profileOf = (audits: string[][]): Profile =>
  ({
    meta: { name: 'p' },
    controls: audits.map((commands, i) => ({
      id: `1.${String(i + 1)}`,
      role: 'node',
      audit: commands.map((command) => ({ command, passWhen: 'info', label: 'Audit' })),
    })),
  }) as unknown as Profile;

describe('onNode', () => {
  it("moves the node's paths under the root and leaves the tools where they are", () => {
    expect(onNode('/bin/ps -ef | grep kube-apiserver', ROOT, true)).toBe(
      '/bin/ps -ef | grep kube-apiserver',
    );
    expect(onNode('/bin/cat /var/lib/kubelet/config.yaml', ROOT, true)).toBe(
      `/bin/cat ${ROOT}/var/lib/kubelet/config.yaml`,
    );
    expect(onNode('stat -c %a /etc/kubernetes/ssl', ROOT, false)).toBe(
      `stat -c %a ${ROOT}/etc/kubernetes/ssl`,
    );
  });

  it('moves a quoted path only for the kube-bench-style guides (jq texts stay as written)', () => {
    const cmd = "./check_files_permissions.sh '/etc/kubernetes/ssl/*.pem'";
    expect(onNode(cmd, ROOT, true)).toBe(
      `./check_files_permissions.sh '${ROOT}/etc/kubernetes/ssl/*.pem'`,
    );
    expect(onNode(cmd, ROOT, false)).toBe(cmd);
  });
});

describe('procedureScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-bench-procedure-test-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a printed helper script under the name the next audit calls, and runs only calls', () => {
    const body = '#!/bin/bash\necho "$1"';
    const profile = profileOf([
      [body, './1.1.11.sh etcd'],
      ['/bin/ps -ef | grep kubelet | grep -v grep'],
    ]);
    expect(styleOf(profile)).toBe('kube-bench');
    const p = procedureScript(profile, ROOT, dir, { KUBECONFIG: "/k'c" });
    expect(readFileSync(join(dir, '1.1.11.sh'), 'utf8')).toBe(`${body}\n`);
    expect(p.helperScripts).toBe(1);
    expect(p.audits).toBe(2);
    expect(p.byTool).toEqual({ './1.1.11.sh': 1, ps: 1 });
    expect(p.script).toContain("export KUBECONFIG='/k'\\''c'");
    expect(p.script).toContain("bash -c './1.1.11.sh etcd' </dev/null");
    expect(p.script).not.toContain('echo "$1"');
  });

  it('takes a guide auditing with docker inspect as the CIS 1.4 kind', () => {
    const profile = profileOf([["docker inspect kubelet | jq -e '.[0].Args'"]]);
    expect(styleOf(profile)).toBe('docker-inspect');
    expect(procedureScript(profile, ROOT, dir, {}).byTool).toEqual({ docker: 1 });
  });
});

describe('profileTableMarkdown', () => {
  const row = (profile: string, rk: number, guide: number): ProfileScanRow =>
    ({
      profile,
      style: profile === 'rke-cis-1.5' ? 'kube-bench' : 'docker-inspect',
      controls: 100,
      rkecis: { medianMs: rk, controlsPerSecond: Math.round(100 / (rk / 1000)) },
      guide: { medianMs: guide, audits: 90, byTool: { docker: 80, stat: 10 } },
      speedup: Math.round((guide / rk) * 10) / 10,
    }) as unknown as ProfileScanRow;

  it('gives each profile its medians and ratio, compared with the v2.1 ratio', () => {
    const md = profileTableMarkdown({
      engine: 'unix:///x',
      rows: [row('rke-cis-1.3.0', 400, 10_000), row('rke-cis-1.5', 500, 6_000)],
    });
    const lines = md.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(
      '| rke-cis-1.3.0 | 90 (80 docker, 10 stat) | 100 | 400 ms | 10,000 ms | **25×** | 250 |',
    );
    expect(lines[3]).toContain('| 500 ms | 6,000 ms | **12×** (< v2.1) | 200 |');
    expect(lines[3]).toContain('ps sees no components');
  });
});
