import { describe, expect, it } from 'vitest';
import { ARGS_CASES } from './args.cases.js';
import { DOCKER_CASES } from './docker.cases.js';
import { EVIDENCE_CASES, EVIDENCE_PATH_CASES } from './evidence.cases.js';
import type { HostileCase } from './harness.js';
import { HOST_FILE_CASES } from './host-files.cases.js';
import { KUBE_CASES } from './kube.cases.js';
import { PROFILE_CASES, WAIVERS_CASES } from './profiles.cases.js';

/**
 * The hostile-input corpus of issue #9, by category. Each table is run by its own test file
 * (evidence, args, host-files, profiles, docker, kube); property tests (properties.test.ts),
 * secrets, no-shell, read-only and atomic-output tests come on top of these cases. Regex safety
 * of the built-in profile (each regex on 1 MB values) is tested in test/profiles/profile.test.ts;
 * profiles.cases.ts adds catastrophic regexes of a custom profile.
 */
export const CORPUS: Record<string, readonly HostileCase[]> = {
  'evidence bundles': EVIDENCE_CASES,
  'evidence paths and stdin': EVIDENCE_PATH_CASES,
  'container args': ARGS_CASES,
  'host files': HOST_FILE_CASES,
  profiles: PROFILE_CASES,
  waivers: WAIVERS_CASES,
  'Docker Engine API': DOCKER_CASES,
  'Kubernetes API and kubeconfigs': KUBE_CASES,
};

describe('the hostile-input corpus', () => {
  const all = Object.values(CORPUS).flat();

  it('holds at least 200 cases, each with its expected outcome', () => {
    expect(all.length).toBeGreaterThanOrEqual(200);
    for (const c of all) {
      expect(c.expect.exit === 2 ? c.expect.message : c.expect.controls, c.name).toBeDefined();
      if (c.expect.exit !== 2) {
        const decided = Object.keys(c.expect.controls).length + (c.expect.absent?.length ?? 0);
        expect(decided, c.name).toBeGreaterThan(0);
      }
    }
  });

  it('names each case once within its category', () => {
    for (const [category, cases] of Object.entries(CORPUS)) {
      const names = cases.map((c) => c.name);
      expect(
        names.filter((n, i) => names.indexOf(n) !== i),
        category,
      ).toEqual([]);
    }
  });

  it('covers every category the issue names', () => {
    for (const [category, cases] of Object.entries(CORPUS))
      expect(cases.length, category).toBeGreaterThanOrEqual(9);
  });

  it('expects a pass only where the hostile input leaves that control alone', () => {
    // Each of these asserts `pass` on controls the input does not touch (the scan went on, or
    // an unrelated argument was read as the component reads it); nowhere else is a pass expected.
    const WHY: Record<string, string> = {
      'a PSP nested 30 levels (deep, but within the limit) is evaluated':
        'legitimate depth is not refused',
      'a 30 MB bundle (1 MB arguments) is evaluated': 'big, unread flags do not disturb the rest',
      '100 000 containers nobody asked for': 'unread containers do not disturb the rest',
      'a container named __proto__': 'a prototype-named key is just a name',
      'a redirection as its own argument': 'a positional ">" is not a flag',
      'a 1 MB flag name': 'an unknown flag does not disturb the rest',
      '100 000 arguments': 'unknown flags do not disturb the rest',
      'a hostname of 1 MB, and a FIFO for a hostname':
        'the node name falls back; files are still judged',
      'a catastrophic regex (a+)+$ on a 1 MB argument still ends': '1.1.1 does not use the regex',
      'a 4 MB scalar for a title': 'a long title is still a title',
      'kube-apiserver absent (404): the controlplane role is not there':
        'other roles are still judged',
      '404 on policy/v1beta1, served by extensions/v1beta1':
        'the older API answers with the policy',
      '/version silent, the list answered': 'the version is optional; the list was read',
    };
    const passing = all
      .filter((c) => c.expect.exit !== 2 && Object.values(c.expect.controls).includes('pass'))
      .map((c) => c.name);
    expect(passing.sort()).toEqual(Object.keys(WHY).sort());
  });
});
