import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { BUILTIN_PROFILES_DIR, loadProfile } from '../../src/profiles/load.js';
import type { Profile, ProfileControl } from '../../src/profiles/schema.js';
import type { Status } from '../../src/report/types.js';

/**
 * Every built-in profile made from Rancher's later RKE1 guides (its profile.yaml names them in
 * `guides`), held to the committed indexes of those guides (test/fixtures/guides/): the same
 * controls in the same order with the guides' titles, scoring, stated results and audit commands,
 * and its reconstructed hardened node (examples/<profile>/hardened-node.json) judged as each guide
 * states, except the controls that say `departsFromGuide` (with their erratum), which must differ.
 */

interface IndexControl {
  id: string | null;
  title: string;
  scoring: 'Scored' | 'Not Scored' | 'Automated' | 'Manual';
  result: string | null;
  audits: { kind: string; label: string | null; command: string }[];
}
interface GuideIndex {
  name: string;
  controls: IndexControl[];
}

const INDEX_DIR = 'test/fixtures/guides';
const indexes = new Map<string, GuideIndex>(
  readdirSync(INDEX_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(INDEX_DIR, f), 'utf8')) as GuideIndex)
    .map((g) => [g.name, g]),
);

/** A guide's stated result as the status rkecis gives the guide's own node. */
const STATUS_OF: Record<string, Status> = {
  Pass: 'pass',
  PASS: 'pass',
  pass: 'pass',
  'Pass (See Mitigation)': 'pass',
  Fail: 'fail',
  fail: 'fail',
  'Fail (See Mitigation)': 'fail',
  'Pass (Not Applicable)': 'not-applicable',
  'Not Applicable': 'not-applicable',
  notApplicable: 'not-applicable',
  Document: 'manual',
  warn: 'manual',
  None: 'manual',
};

const laterProfiles: Profile[] = readdirSync(BUILTIN_PROFILES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(BUILTIN_PROFILES_DIR, d.name, 'profile.yaml')))
  .map((d) => loadProfile(d.name))
  .filter((p) => p.meta.guides !== undefined);

/** The result a control states for one guide: the primary guide's, unless it differs there. */
function resultFor(c: ProfileControl, guide: string, primary: string): string {
  if (guide === primary) return c.guide.result;
  return c.guide.differences?.find((d) => d.guide === guide)?.result ?? c.guide.result;
}

/** The guide controls a profile must hold, in order: the numbered ones, and unnumbered headings. */
const guideControls = (g: GuideIndex): IndexControl[] => g.controls;

describe.runIf(laterProfiles.length > 0)('profiles from the later guides', () => {
  describe.each(laterProfiles.map((p) => [p.meta.name, p] as const))('%s', (name, profile) => {
    const guides = profile.meta.guides ?? [];
    const primary = guides[0]?.id ?? '';

    it('names guides that have committed indexes', () => {
      for (const g of guides) expect(indexes.has(g.id), `${name}: no index named ${g.id}`).toBe(true);
    });

    it.each(guides.map((g) => [g.id]))(
      'has every control of guide %s once, in its order, with its title, scoring and result',
      (gid) => {
        const index = indexes.get(gid);
        if (index === undefined) throw new Error(`no index ${gid}`);
        const want = guideControls(index);
        const numbered = want.filter((c) => c.id !== null).map((c) => c.id);
        // A heading the guide left unnumbered gets an id of the profile's choosing: it must sit
        // where the guide has it, with the guide's title.
        const ids = profile.controls.map((c) => c.id);
        // The profile follows its primary guide's order; another guide may order a section
        // otherwise (v2.5.4 lists 1.1.11, 1.1.12, 1.1.19-1.1.21 first): its controls are then
        // matched by id, each once.
        const byId = gid !== primary && want.every((g) => g.id !== null);
        if (byId) expect([...ids].sort()).toEqual([...numbered].sort());
        else expect(ids.filter((id) => numbered.includes(id))).toEqual(numbered);
        expect(ids).toHaveLength(want.length);
        want.forEach((g, i) => {
          const c = (
            byId ? profile.controls.find((x) => x.id === g.id) : profile.controls[i]
          ) as ProfileControl;
          if (g.id !== null) expect(c.id, `position ${i}`).toBe(g.id);
          expect(c.title, c.id).toBe(g.title);
          expect(c.scored, c.id).toBe(g.scoring === 'Scored' || g.scoring === 'Automated');
          expect(resultFor(c, gid, primary), c.id).toBe(g.result ?? 'None');
        });
      },
    );

    it("keeps the primary guide's audit commands verbatim, in order", () => {
      const index = indexes.get(primary);
      if (index === undefined) throw new Error(`no index ${primary}`);
      guideControls(index).forEach((g, i) => {
        const c = profile.controls[i] as ProfileControl;
        expect(
          c.audit.map((a) => a.command),
          c.id,
        ).toEqual(g.audits.map((a) => a.command.replace(/\n$/, '')));
      });
    });

    it('differences name guides of the profile, and only where the guide differs', () => {
      const ids = new Set(guides.map((g) => g.id));
      for (const c of profile.controls)
        for (const d of c.guide.differences ?? []) {
          expect(ids.has(d.guide) && d.guide !== primary, `${c.id}: ${d.guide}`).toBe(true);
        }
    });

    it('holds no PENDING placeholder, and has its reconstructed hardened node', () => {
      // A profile written before the engine had a kind held `fixed` manual placeholders (reason
      // `PENDING: ...`) and `# PENDING-CHECK:` comments; a finished profile has none.
      const dir = join(BUILTIN_PROFILES_DIR, name);
      const pending = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .filter((f) => readFileSync(join(dir, f), 'utf8').includes('PENDING'));
      expect(pending).toEqual([]);
      expect(existsSync(join('examples', name, 'hardened-node.json'))).toBe(true);
    });

    const example = join('examples', name, 'hardened-node.json');
    it.runIf(existsSync(example))(
      "judges its reconstructed hardened node as the guide states, departures apart",
      () => {
        const report = evaluate(profile, readEvidence(example));
        const byId = new Map(report.results.map((r) => [r.id, r]));
        const wrong: string[] = [];
        for (const c of profile.controls) {
          const r = byId.get(c.id);
          const stated = STATUS_OF[c.guide.result];
          if (r === undefined || stated === undefined) {
            wrong.push(`${c.id}: ${r === undefined ? 'not evaluated' : `result ${c.guide.result}`}`);
            continue;
          }
          const same = r.status === stated;
          if (c.departsFromGuide === true ? same : !same)
            wrong.push(
              `${c.id}: ${r.status}, the guide states ${c.guide.result}${c.departsFromGuide === true ? ' (marked departsFromGuide)' : ''}: ${r.actual}`,
            );
        }
        expect(wrong).toEqual([]);
      },
    );

    it('lists its departures from the guide in the README', () => {
      // The README's table "Where the profiles depart from their guides": one row per profile,
      // `| \`rke-cis-1.5\` | 1.1.12, 4.1.7 | ... |`, naming every control that departs.
      const departs = profile.controls.filter((x) => x.departsFromGuide === true).map((x) => x.id);
      if (departs.length === 0) return;
      const row = readFileSync('README.md', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `README: no departures row for ${name}`).toBeDefined();
      const listed = (row ?? '').split('|')[2]?.split(',').map((x) => x.trim()) ?? [];
      expect(listed).toEqual(departs);
    });
  });
});
