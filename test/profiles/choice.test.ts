import { describe, expect, it } from 'vitest';
import {
  CHOICE_TABLE,
  chooseProfile,
  rowFor,
  type VersionSighting,
} from '../../src/profiles/choice.js';
import { parseKubernetesVersion } from '../../src/profiles/kubernetes-version.js';
import { loadProfile } from '../../src/profiles/load.js';
import { listProfiles } from '../../src/profiles/open.js';

const ALL = CHOICE_TABLE.map((r) => r.profile);
const api = (text: string): VersionSighting => ({
  text,
  from: 'the API server',
  authority: 'api-server',
});
const img = (text: string, of = 'kubelet'): VersionSighting => ({
  text,
  from: `the image tag of ${of}`,
  authority: 'other',
});
const picked = (sightings: VersionSighting[], available: readonly string[] = ALL): string => {
  const o = chooseProfile(sightings, available);
  if (!o.ok) throw new Error(o.problem);
  return o.choice.profile;
};
const problem = (sightings: VersionSighting[], available: readonly string[] = ALL): string => {
  const o = chooseProfile(sightings, available, 'nothing answered');
  if (o.ok) throw new Error(`chose ${o.choice.profile}`);
  return o.problem;
};

describe('the choice table (README: Which profile)', () => {
  /** Every minor from 1.11 to 1.27, each row's edges among them, and what lies outside. */
  it.each([
    ['v1.11.0', 'rke-cis-1.3.0'],
    ['v1.11.5-rancher1', 'rke-cis-1.3.0'],
    ['v1.12.3-rancher1', 'rke-cis-1.3.0'],
    ['v1.13.5', 'rke-cis-1.4.0'],
    ['v1.14.10', 'rke-cis-1.4.0'],
    ['v1.15.12-rancher2', 'rke-cis-1.5'],
    ['v1.16.15', 'rke-cis-1.5'],
    ['v1.17.17-rancher1', 'rke-cis-1.5'],
    ['v1.18.20', 'rke-cis-1.6'],
    ['v1.19.16', 'rke-cis-1.20'],
    ['v1.20.15', 'rke-cis-1.20'],
    ['v1.21.14', 'rke-cis-1.20'],
    ['v1.22.17', 'rke-cis-1.20'],
    ['v1.23.16', 'rke-cis-1.23'],
    ['v1.24.17-rancher1', 'rke-cis-1.24'],
    ['v1.25.16', 'rke-cis-1.7'],
    ['v1.26.15', 'rke-cis-1.7'],
    ['v1.27.16-rancher1-1', 'rke-cis-1.7'],
  ])('Kubernetes %s → %s', (version, profile) => {
    expect(picked([api(version)])).toBe(profile);
    expect(picked([img(version)])).toBe(profile);
  });

  it('covers 1.11 to 1.27 without a gap or an overlap, in order', () => {
    let next = 11;
    for (const r of CHOICE_TABLE) {
      expect(r.min).toBe(next);
      expect(r.max).toBeGreaterThanOrEqual(r.min);
      next = r.max + 1;
    }
    expect(next).toBe(28);
  });

  it.each(['v1.10.13', 'v1.28.0', 'v1.30.1', 'v2.11.0', 'v0.11.0'])(
    'Kubernetes %s: no profile, and the message lists the profiles and their ranges',
    (version) => {
      const p = problem([api(version)]);
      expect(p).toMatch(/^no profile covers Kubernetes v\d+\.\d+\.\d+ \(the API server\)/);
      for (const r of CHOICE_TABLE) expect(p).toContain(r.profile);
      expect(p).toContain('1.11–1.12 → rke-cis-1.3.0');
      expect(p).toContain('1.25–1.27 → rke-cis-1.7');
      expect(p).toContain('--profile');
    },
  );

  it('CIS 1.4.1 (rke-cis-1.4.1, rke-cis-1.4.1-v2.3) is never chosen automatically', () => {
    for (let minor = 0; minor < 40; minor++) {
      const v = parseKubernetesVersion(`v1.${minor}.0`);
      expect(rowFor(v as NonNullable<typeof v>)?.profile ?? '').not.toMatch(/^rke-cis-1\.4\.1/);
    }
  });

  it("agrees with every built-in profile's kubernetesRange", () => {
    for (const name of listProfiles()) {
      const range = loadProfile(name).meta.kubernetesRange;
      const rows = CHOICE_TABLE.filter((r) => r.profile === name);
      expect(
        range === undefined ? [] : [{ min: range.min, max: range.max }],
        `profile ${name}`,
      ).toEqual(rows.map((r) => ({ min: `1.${r.min}`, max: `1.${r.max}` })));
    }
  });
});

describe('chooseProfile', () => {
  it('says which version, where it was read, and the row', () => {
    const o = chooseProfile([api('v1.15.12'), img('v1.15.12-rancher2')], ALL);
    expect(o).toEqual({
      ok: true,
      choice: {
        profile: 'rke-cis-1.5',
        version: 'v1.15.12',
        reason:
          'chosen from Kubernetes v1.15.12, read from the API server and the image tag of kubelet: 1.15–1.17 → rke-cis-1.5 (guides v2.3.5, v2.4 and v2.5, Kubernetes 1.15)',
      },
    });
  });

  it("takes the API server's version as the one it names, and states the others of the same row", () => {
    const o = chooseProfile([img('v1.19.16-rancher1'), api('v1.20.15')], ALL);
    expect(o.ok && o.choice.version).toBe('v1.20.15');
    expect(o.ok && o.choice.reason).toContain(
      'the node also shows v1.19.16 (the image tag of kubelet)',
    );
  });

  it('refuses a version that is not one, wherever it is seen, even beside a good one', () => {
    const p = problem([api('v1.15.12'), img('v1.15.x-rancher1-weird')]);
    expect(p).toContain('"v1.15.x-rancher1-weird"');
    expect(p).toContain('the image tag of kubelet');
    expect(p).toContain('not a Kubernetes version');
    expect(problem([api('v1.15.x-rancher1-weird')])).toContain('the API server shows');
  });

  it('refuses a node mid-upgrade whose versions call for two profiles, naming both', () => {
    const p = problem([img('v1.23.16', 'kubelet'), img('v1.24.17-rancher1', 'kube-apiserver')]);
    expect(p).toContain('v1.23.16 (the image tag of kubelet: rke-cis-1.23)');
    expect(p).toContain('v1.24.17 (the image tag of kube-apiserver: rke-cis-1.24)');
    expect(p).toContain('mid-upgrade');
    expect(p).toContain('--profile');
    // The API server's word does not outvote the node's own components either.
    expect(problem([api('v1.24.17'), img('v1.23.16')])).toContain('different profiles');
  });

  it('says so when the profile the table names is not in this build', () => {
    const p = problem([api('v1.18.20')], ['rke-cis-1.3.0']);
    expect(p).toBe(
      'Kubernetes v1.18.20 (the API server) calls for profile rke-cis-1.6 (guides v2.5.4 and v2.6, Kubernetes 1.18 (v2.6: to 1.23)), which this build of rkecis does not have (built-in: rke-cis-1.3.0); name the profile with --profile to judge it by another version\'s benchmark all the same',
    );
  });

  it('says why nothing was seen when nothing was', () => {
    const p = problem([]);
    expect(p).toContain('cannot tell which profile to judge by: nothing answered');
    expect(p).toContain('1.19–1.22 → rke-cis-1.20');
  });
});
