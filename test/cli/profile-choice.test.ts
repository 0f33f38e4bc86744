import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProfiles } from '../../src/profiles/open.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * Which profile judges a node when --profile names none (README: Which profile): the version the
 * bundle (or the node) shows, through the written table; everything that cannot be read, that no
 * profile covers, that this build lacks or that is ambiguous is exit 2 with one message.
 */

const dir = mkdtempSync(join(tmpdir(), 'rkecis-choice-'));
type Bundle = {
  containers: Record<string, { status: string; image?: string }>;
  kubernetes?: { version?: string };
  node: { name: string };
};
const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');
const COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
];
let n = 0;
/** The hardened node with its Kubernetes version changed: on the API, on the images. */
function bundle(opts: {
  api?: string | null;
  image?: string;
  images?: Record<string, string>;
  name?: string;
}): string {
  const b = JSON.parse(HARDENED) as Bundle;
  if (b.kubernetes !== undefined && opts.api !== undefined) {
    if (opts.api === null) delete b.kubernetes.version;
    else b.kubernetes.version = opts.api;
  }
  for (const c of COMPONENTS) {
    const image = opts.images?.[c] ?? opts.image;
    const e = b.containers[c];
    if (image !== undefined && e !== undefined) e.image = image;
  }
  if (opts.name !== undefined) b.node.name = opts.name;
  const file = join(dir, `b${String(n++)}.json`);
  writeFileSync(file, JSON.stringify(b));
  return file;
}
const json = (s: string): NodeReport => JSON.parse(s) as NodeReport;
const clusterJson = (s: string): ClusterReport => JSON.parse(s) as ClusterReport;

describe('evaluate without --profile', () => {
  it("chooses by the API server's version the bundle recorded, and says so", () => {
    const r = runCli(['evaluate', 'examples/hardened-node.json', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = json(r.stdout);
    expect(report.profile.name).toBe('rke-cis-1.3.0');
    expect(report.profile.choice).toEqual({
      version: 'v1.11.5',
      reason:
        'chosen from Kubernetes v1.11.5, read from the API server (as the bundle recorded it) and the image tag of kube-apiserver, kubelet, kube-proxy, kube-controller-manager, kube-scheduler (rancher/hyperkube:v1.11.5-rancher1): 1.11–1.12 → rke-cis-1.3.0 (guide v2.1, Kubernetes 1.11)',
    });
  });

  it('chooses by the image tags when the API server was not read (1.12: the v2.1 profile)', () => {
    const r = runCli([
      'evaluate',
      bundle({ api: null, image: 'rancher/hyperkube:v1.12.3-rancher1' }),
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    const report = json(r.stdout);
    expect(report.profile.name).toBe('rke-cis-1.3.0');
    expect(report.profile.choice?.reason).toBe(
      'chosen from Kubernetes v1.12.3, read from the image tag of kube-apiserver, kubelet, kube-proxy, kube-controller-manager, kube-scheduler (rancher/hyperkube:v1.12.3-rancher1): 1.11–1.12 → rke-cis-1.3.0 (guide v2.1, Kubernetes 1.11)',
    );
  });

  it('--profile overrides the choice, and the report says it was named', () => {
    const weird = bundle({ api: null, image: 'rancher/hyperkube:v1.15.x-rancher1-weird' });
    const r = runCli(['evaluate', weird, '--profile', 'rke-cis-1.3.0', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).profile.choice).toEqual({ reason: 'named with --profile' });
  });

  it('a version that is not one: exit 2, one message, nothing written', () => {
    const out = join(dir, 'never.json');
    const r = runCli([
      'evaluate',
      bundle({ api: null, image: 'rancher/hyperkube:v1.15.x-rancher1-weird' }),
      '--output',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'rkecis: cannot tell which profile to judge by: the image tag of kube-apiserver, kubelet, kube-proxy, kube-controller-manager, kube-scheduler (rancher/hyperkube:v1.15.x-rancher1-weird) shows "v1.15.x-rancher1-weird", which is not a Kubernetes version rkecis reads (v1.N.P, v1.N.P-rancherR); name the profile with --profile\n',
    );
    expect(() => readFileSync(out)).toThrow();
  });

  it('an API server version that is not one is refused too, even with good image tags', () => {
    const r = runCli(['evaluate', bundle({ api: 'v1.11.x' })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the API server (as the bundle recorded it) shows "v1.11.x"');
  });

  it('a version no profile covers: exit 2 listing the profiles and their ranges', () => {
    const r = runCli([
      'evaluate',
      bundle({ api: 'v1.28.3', image: 'rancher/hyperkube:v1.28.3-rancher1' }),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'rkecis: no profile covers Kubernetes v1.28.3 (the API server (as the bundle recorded it)): rkecis has profiles for 1.11–1.12 → rke-cis-1.3.0, 1.13–1.14 → rke-cis-1.4.0, 1.15–1.17 → rke-cis-1.5, 1.18 → rke-cis-1.6, 1.19–1.22 → rke-cis-1.20, 1.23 → rke-cis-1.23, 1.24 → rke-cis-1.24, 1.25–1.27 → rke-cis-1.7; name the profile with --profile',
    );
  });

  it('a node mid-upgrade whose versions call for two profiles: exit 2 naming both', () => {
    const r = runCli([
      'evaluate',
      bundle({
        api: null,
        image: 'rancher/hyperkube:v1.23.16-rancher2',
        images: { 'kube-apiserver': 'rancher/hyperkube:v1.24.17-rancher1' },
      }),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('v1.24.17 (the image tag of kube-apiserver');
    expect(r.stderr).toContain(': rke-cis-1.24)');
    expect(r.stderr).toContain(
      'v1.23.16 (the image tag of kubelet, kube-proxy, kube-controller-manager, kube-scheduler',
    );
    expect(r.stderr).toContain(': rke-cis-1.23)');
    expect(r.stderr).toContain('mid-upgrade');
  });

  it('two versions of one profile (1.11 and 1.12) are judged, and the report names both', () => {
    const r = runCli([
      'evaluate',
      bundle({ images: { kubelet: 'rancher/hyperkube:v1.12.3-rancher1' } }),
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(json(r.stdout).profile.choice?.reason).toContain(
      '; the node also shows v1.12.3 (the image tag of kubelet (rancher/hyperkube:v1.12.3-rancher1)), the same profile',
    );
  });

  it('a version whose profile this build lacks says so (or, once it lands, chooses it)', () => {
    const r = runCli([
      'evaluate',
      bundle({ api: 'v1.18.20', image: 'rancher/hyperkube:v1.18.20-rancher1' }),
      '--format',
      'json',
    ]);
    if (listProfiles().includes('rke-cis-1.6')) {
      expect(r.code).not.toBe(2);
      expect(json(r.stdout).profile.name).toBe('rke-cis-1.6');
    } else {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^rkecis: Kubernetes v1\.18\.20 \(the API server \(as the bundle recorded it\)\) calls for profile rke-cis-1\.6 \(guides v2\.5\.4 and v2\.6, [^)]*\)\), which this build of rkecis does not have \(built-in: rke-cis-1\.3\.0, [^)]*\); name the profile with --profile/,
      );
    }
  });

  it('a bundle that shows no version at all: exit 2 saying why', () => {
    const b = JSON.parse(HARDENED) as Bundle;
    delete b.kubernetes?.version;
    for (const c of COMPONENTS) b.containers[c] = { status: 'absent' };
    const file = join(dir, 'none.json');
    writeFileSync(file, JSON.stringify(b));
    const r = runCli(['evaluate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "rkecis: cannot tell which profile to judge by: the API server's version could not be read (the bundle holds none), and no Kubernetes component's image shows one (kube-apiserver absent; kubelet absent;",
    );
    expect(r.stderr).toContain('name the profile with --profile');
  });
});

describe('every format says which profile and why', () => {
  const reason = 'chosen from Kubernetes v1.11.5, read from the API server';
  it.each([
    ['text', `Profile: rke-cis-1.3.0, ${reason}`],
    ['markdown', `| Profile chosen | ${reason}`],
    ['html', `<th>Profile chosen</th><td>${reason}`],
    ['junit', `<property name="profileChoice" value="${reason}`],
    ['sarif', `"profileChoice": { "reason": "${reason}`],
    ['json', `"choice": { "reason": "${reason}`],
  ])('%s', (format, shown) => {
    const r = runCli(
      ['evaluate', 'examples/hardened-node.json', '--format', format, '--no-timestamp'],
      {
        env: { COLUMNS: '1000' },
      },
    );
    expect(r.code).toBe(1);
    // Lines filled to a width and JSON indentation read as one space.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(shown);
  });
});

describe('waivers name their profile', () => {
  it('a waivers file for another profile is bad input; for this one, it applies', () => {
    const w = (profile: string): string => {
      const file = join(dir, `w-${profile}.yaml`);
      writeFileSync(
        file,
        `apiVersion: rkecis.io/v1\nkind: Waivers\nprofile: ${profile}\nwaivers:\n  - control: '1.1.1'\n    justification: accepted\n`,
      );
      return file;
    };
    const other = runCli([
      'evaluate',
      'examples/hardened-node.json',
      '--waivers',
      w('rke-cis-1.5'),
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /^rkecis: .*w-rke-cis-1\.5\.yaml:3:10: these waivers are for profile rke-cis-1\.5, and this run judges by profile rke-cis-1\.3\.0/,
    );
    const same = runCli([
      'evaluate',
      'examples/hardened-node.json',
      '--waivers',
      w('rke-cis-1.3.0'),
    ]);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(1);
  });
});

describe('rkecis profiles', () => {
  it('lists each profile with its CIS version, range and counts, and the table as JSON', () => {
    const r = runCli(['profiles', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      profiles: {
        name: string;
        cis: string;
        chosenFor: string;
        controls: number;
        scored: number;
      }[];
      choice: { kubernetes: { min: string; max: string }; profile: string; builtIn: boolean }[];
    };
    expect(out.profiles.find((p) => p.name === 'rke-cis-1.3.0')).toMatchObject({
      cis: '1.3.0',
      chosenFor: '1.11–1.12',
      controls: 113,
      scored: 96,
    });
    // Every built-in profile, in the order of the Kubernetes versions they serve.
    const names = out.profiles.map((p) => p.name);
    expect([...names].sort()).toEqual([...listProfiles()].sort());
    const served = ['rke-cis-1.3.0', 'rke-cis-1.4.0', 'rke-cis-1.5', 'rke-cis-1.6', 'rke-cis-1.7'];
    const built = served.filter((n) => names.includes(n));
    expect(names.filter((n) => built.includes(n))).toEqual(built);
    expect(out.choice.map((c) => c.profile)).toEqual([
      'rke-cis-1.3.0',
      'rke-cis-1.4.0',
      'rke-cis-1.5',
      'rke-cis-1.6',
      'rke-cis-1.20',
      'rke-cis-1.23',
      'rke-cis-1.24',
      'rke-cis-1.7',
    ]);
    for (const c of out.choice) expect(c.builtIn).toBe(listProfiles().includes(c.profile));
    const text = runCli(['profiles']);
    expect(text.stdout).toContain(
      '  1.25–1.27 → rke-cis-1.7 (guide v2.7 CIS 1.7, Kubernetes 1.25 to 1.27)',
    );
  });
});

describe('plan and remediate support the profiles of RKE v0.1.x only', () => {
  const later = 'test/fixtures/profiles/tiny-cis-b';
  it('plan refuses a profile of a later Kubernetes, and names what it supports', () => {
    const r = runCli(['plan', 'examples/cluster-default.yml', '--profile', later]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'rkecis: rkecis plan supports rke-cis-1.3.0 and profile folders for Kubernetes 1.11 (RKE v0.1.11) only, not profile tiny-cis-b (Kubernetes 1.15): it knows the container arguments and cluster.yml keys of that RKE alone; use scan or evaluate to judge a node of a later version\n',
    );
    expect(runCli(['plan', '--help']).stdout.replace(/\s+/g, ' ')).toContain(
      'plan supports rke-cis-1.3.0 and profile folders for Kubernetes 1.11',
    );
    const ok = runCli([
      'plan',
      'examples/cluster-default.yml',
      '--profile',
      'test/fixtures/profiles/tiny-cis-a',
    ]);
    expect(ok.code).toBe(1);
  });

  it('remediate refuses a report of a later profile, and a bundle whose version calls for one', () => {
    const report = runCli([
      'evaluate',
      'examples/insecure-node.json',
      '--profile',
      later,
      '--format',
      'json',
    ]);
    const file = join(dir, 'later-report.json');
    writeFileSync(file, report.stdout);
    const out = join(dir, 'fix');
    const r = runCli(['remediate', file, '--output-dir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rkecis remediate supports rke-cis-1.3.0');
    expect(r.stderr).toContain('not profile tiny-cis-b (Kubernetes 1.15)');
    const b = runCli(['remediate', bundle({ api: 'v1.28.3' }), '--output-dir', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('no profile covers Kubernetes v1.28.3');
    expect(() => readFileSync(join(out, 'README.md'))).toThrow();
  });
});

describe('cluster: one profile per cluster', () => {
  const folder = (name: string, files: Record<string, string>): string => {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [f, path] of Object.entries(files)) writeFileSync(join(d, f), readFileSync(path));
    return d;
  };

  it('states the nodes whose versions differ, when they call for one profile', () => {
    const d = folder('mixed-ok', {
      'a.json': bundle({ name: 'a' }),
      'b.json': bundle({ name: 'b', api: null, image: 'rancher/hyperkube:v1.12.3-rancher1' }),
    });
    const r = runCli(['cluster', '--bundles', d, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = clusterJson(r.stdout);
    expect(report.profile.name).toBe('rke-cis-1.3.0');
    expect(report.profile.choice?.nodeVersions).toEqual([
      { version: 'v1.11.5', nodes: ['a'] },
      { version: 'v1.12.3', nodes: ['b'] },
    ]);
    expect(report.profile.choice?.reason).toContain(
      "The nodes' components show different versions: v1.11.5 (a), v1.12.3 (b)",
    );
    const text = runCli(['cluster', '--bundles', d], { env: { COLUMNS: '1000' } });
    expect(text.stdout.replace(/\n {2}/g, ' ')).toContain(
      "The nodes' components show different versions: v1.11.5 (a), v1.12.3 (b)",
    );
  });

  it('refuses nodes whose versions call for different profiles, unless --profile', () => {
    const d = folder('mixed-bad', {
      'a.json': bundle({ name: 'a' }),
      'b.json': bundle({ name: 'b', api: null, image: 'rancher/hyperkube:v1.13.5-rancher1' }),
    });
    const r = runCli(['cluster', '--bundles', d]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'the cluster shows Kubernetes versions that call for different profiles',
    );
    expect(r.stderr).toContain('v1.13.5 (the bundle of b: rke-cis-1.4.0)');
    const named = runCli([
      'cluster',
      '--bundles',
      d,
      '--profile',
      'rke-cis-1.3.0',
      '--format',
      'json',
    ]);
    expect(named.code).toBe(1);
    const report = clusterJson(named.stdout);
    expect(report.profile.choice?.reason).toMatch(
      /^named with --profile\. The nodes' components show different versions: v1\.11\.5 \(a\), v1\.13\.5 \(b\)$/,
    );
  });
});

describe('history keeps the profile and why', () => {
  it('a saved scan shows its profile in history and its choice in show', () => {
    const store = `sqlite:${join(dir, 'history.db')}`;
    const saved = runCli(['evaluate', 'examples/hardened-node.json', '--save', '--store', store]);
    expect(saved.code).toBe(1);
    const list = JSON.parse(runCli(['history', '--store', store, '--format', 'json']).stdout) as {
      id: string;
      profile: string;
    }[];
    expect(list.map((s) => s.profile)).toEqual(['rke-cis-1.3.0']);
    const shown = runCli(['show', list[0]?.id ?? '', '--store', store, '--format', 'json']);
    expect(json(shown.stdout).profile.choice?.reason).toMatch(
      /^chosen from Kubernetes v1\.11\.5, read from the API server/,
    );
  });
});
