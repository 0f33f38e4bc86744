import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rkecis-cli-'));
const hardened = JSON.parse(readFileSync('examples/hardened-node.json', 'utf8')) as Record<
  string,
  unknown
>;

describe('rkecis evaluate', () => {
  it('gives the guide verdicts as JSON and exits 1 (the guide has scored failures)', () => {
    const r = runCli(['evaluate', 'examples/hardened-node.json', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      profile: unknown;
      node: unknown;
      summary: Record<string, number>;
      results: Record<string, unknown>[];
    };
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['profile', 'node', 'summary', 'results']),
    );
    expect(report.results).toHaveLength(113);
    expect(Object.keys(report.results[0] ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'title',
        'section',
        'scored',
        'role',
        'status',
        'actual',
        'expected',
        'audit',
        'remediation',
      ]),
    );
    expect(report.summary).toMatchObject({
      pass: 80,
      fail: 9,
      'not-applicable': 15,
      manual: 9,
      error: 0,
    });
  });

  it('prints the text report by sections with a summary, without colour under NO_COLOR', () => {
    const r = runCli(['evaluate', 'examples/hardened-node.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '[FAIL]   1.4.11 Ensure that the etcd data directory permissions are set to 700 or more restrictive',
    );
    expect(r.stdout).toContain('scored pass rate');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('exits 0 when no scored control fails or errors', () => {
    const ev = structuredClone(hardened) as { roles: { detected: string[] } };
    ev.roles.detected = ['controlplane'];
    const dir = tmp();
    // A controlplane-only view of the hardened node still fails 1.1.21 and 1.3.6: fix those flags.
    const c = (ev as unknown as { containers: Record<string, { args: string[] }> }).containers;
    c['kube-apiserver']?.args.push(
      '--kubelet-certificate-authority=/etc/kubernetes/ssl/kube-ca.pem',
    );
    c['kube-controller-manager']?.args.push('--feature-gates=RotateKubeletServerCertificate=true');
    writeFileSync(join(dir, 'e.json'), JSON.stringify(ev));
    const r = runCli(['evaluate', join(dir, 'e.json'), '--format', 'json']);
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
  });

  it('writes --output atomically and reads stdin with -', () => {
    const dir = tmp();
    const out = join(dir, 'r.json');
    const r = runCli(['evaluate', '-', '--format', 'json', '--output', out], {
      input: JSON.stringify(hardened),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as { results: unknown[] }).results).toHaveLength(
      113,
    );
  });
});

describe('bad input: one clear message, exit 2, nothing written', () => {
  const bad = (name: string, content: string, message: RegExp) => {
    it(name, () => {
      const dir = tmp();
      const f = join(dir, 'e.json');
      writeFileSync(f, content);
      const out = join(dir, 'out.json');
      const r = runCli(['evaluate', f, '--output', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(f);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(() => readFileSync(out)).toThrow();
    });
  };
  bad('malformed JSON', '{"apiVersion": ', /not valid JSON/);
  bad('not an object', '[1,2]', /not an evidence bundle/);
  bad(
    'unknown version',
    JSON.stringify({ ...hardened, apiVersion: 'rkecis.io/v9' }),
    /unsupported evidence apiVersion "rkecis.io\/v9"/,
  );
  bad(
    'wrong type',
    JSON.stringify({ ...hardened, containers: { etcd: { status: 'present', args: 'x' } } }),
    /invalid evidence at containers\.etcd/,
  );
  bad('unknown key', JSON.stringify({ ...hardened, extra: 1 }), /unknown key "extra"/);
  bad(
    'an environment smuggled into a container',
    JSON.stringify({
      ...hardened,
      containers: {
        etcd: {
          status: 'present',
          image: 'x',
          path: '/p',
          args: [],
          state: { status: 'running', running: true },
          // A container's environment is only ever a map of the variables controls name.
          env: ['A=b'],
        },
      },
    }),
    /invalid evidence at containers\.etcd\.env/,
  );

  it('a missing file', () => {
    const r = runCli(['evaluate', '/nonexistent/e.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rkecis: /nonexistent/e.json: no such file\n');
  });

  it('an unknown format is a usage error', () => {
    const r = runCli(['evaluate', 'examples/hardened-node.json', '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pdf/);
  });

  const badProfile = (name: string, edit: (yaml: string) => string, message: RegExp) => {
    it(`a profile with ${name}`, () => {
      const dir = tmp();
      cpSync('profiles/rke-cis-1.3.0', dir, { recursive: true });
      const f = join(dir, '1.2-scheduler.yaml');
      writeFileSync(f, edit(readFileSync(f, 'utf8')));
      const r = runCli(['evaluate', 'examples/hardened-node.json', '--profile', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  };
  badProfile(
    'an unknown operator',
    (y) => y.replace('op: eq', 'op: noteqx'),
    /1\.2-scheduler\.yaml:\d+:\d+: unknown operator "noteqx"/,
  );
  badProfile(
    'a regex that does not compile',
    (y) => y.replace("op: eq\n          value: 'false'", "op: regex\n          value: '(['"),
    /1\.2-scheduler\.yaml:\d+:\d+: regex does not compile/,
  );
  badProfile(
    'an unknown key',
    (y) => y.replace('    scored: true', '    scored: true\n    scoredd: true'),
    /1\.2-scheduler\.yaml:\d+:5: unknown key "scoredd"/,
  );
  badProfile(
    'a duplicate id',
    (y) => y.replace("id: '1.2.2'", "id: '1.2.1'"),
    /1\.2-scheduler\.yaml:\d+:\d+: duplicate control id 1\.2\.1/,
  );
  badProfile('invalid YAML', (y) => `${y}\n  - [unclosed`, /1\.2-scheduler\.yaml:\d+:\d+: /);
  badProfile(
    'a YAML bomb',
    () =>
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    /alias/i,
  );

  it('an unknown profile name lists the built-in ones', () => {
    const r = runCli(['evaluate', 'examples/hardened-node.json', '--profile', 'cis-9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown profile "cis-9"; built-in profiles: rke-cis-1\.3\.0/);
  });
});

describe('rkecis profiles and explain', () => {
  it('lists the built-in profile', () => {
    const r = runCli(['profiles']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PROFILE +CIS +CHOSEN FOR KUBERNETES +CONTROLS +SCORED +GUIDES\n/);
    expect(r.stdout).toMatch(
      /\nrke-cis-1\.3\.0 +1\.3\.0 +1\.11–1\.12 +113 +96 +CIS Benchmark Rancher Self-Assessment Guide v2\.1 \(Rancher 2\.1\.x, Kubernetes 1\.11\)\n/,
    );
  });
  it('explains a control with the guide text, audit and remediation', () => {
    const r = runCli(['explain', '1.3.6']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '1.3.6 - Ensure that the RotateKubeletServerCertificate argument is set to true (Scored)',
    );
    expect(r.stdout).toContain(
      'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--feature-gates=.*(RotateKubeletServerCertificate=true).*").captures[].string\'',
    );
    expect(r.stdout).toContain('Remediation:');
    expect(r.stdout).toContain('erratum');
  });
  it('an unknown control is exit 2', () => {
    const r = runCli(['explain', '9.9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no control 9\.9\.9 in profile rke-cis-1\.3\.0/);
  });
  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
    );
  });
});
