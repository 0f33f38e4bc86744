import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffGuides } from '../helpers/later-guide-diff.js';
import {
  LATER_GUIDES,
  buildIndex,
  indexFile,
  laterGuidesDir,
  type GuideSource,
  type LaterGuideIndex,
} from '../helpers/later-guide-index.js';

/*
 * The committed indexes of Rancher's later RKE1 guides (test/fixtures/guides/). Where the seed
 * folder exists the guides are read afresh and must give the committed index; a CI clone has no
 * seed and checks the committed copy alone. RKECIS_UPDATE_GUIDES=1 rewrites the indexes and the
 * generated part of DIFFERENCES.md from the seed (review the diff).
 */

const UPDATE = process.env.RKECIS_UPDATE_GUIDES === '1';
const SEED = laterGuidesDir();
const DIFFERENCES = new URL('../fixtures/guides/DIFFERENCES.md', import.meta.url);
// The marker names the test where it lived (test/profile/) when DIFFERENCES.md was written: it is
// a fixed string that finds the generated part, kept so the fixture stays as it is.
const BEGIN =
  '<!-- BEGIN GENERATED (test/profile/later-guides-index.test.ts, RKECIS_UPDATE_GUIDES=1) -->';
const END = '<!-- END GENERATED -->';

type Category = 'pass' | 'fail' | 'N/A' | 'document' | 'warn';

/** Each Result text the guides use, verbatim, and what later-guides.md counts it as. */
const CATEGORY: Record<string, Category> = {
  Pass: 'pass',
  PASS: 'pass',
  pass: 'pass',
  'Pass (See Mitigation)': 'pass',
  Fail: 'fail',
  fail: 'fail',
  'Fail (See Mitigation)': 'fail',
  'Pass (Not Applicable)': 'N/A',
  'Not Applicable': 'N/A',
  notApplicable: 'N/A',
  Document: 'document',
  warn: 'warn',
};

interface Figures {
  controls: number;
  results: Partial<Record<Category, number>>;
  /** The failing controls where the document names them. */
  fails?: string[];
}

/**
 * Control counts and results as stated, copied from /work/shared/docs/later-guides.md (table
 * "The guides", columns "controls" and "results as stated"; one row covers near-identical guides).
 */
const LATER_GUIDES_MD: Record<string, Figures> = {
  'v2.2': {
    controls: 106,
    results: { pass: 86, fail: 4, 'N/A': 15, document: 1 },
    fails: ['1.1.21', '1.4.11', '1.4.12', '2.1.8'],
  },
  'v2.3': { controls: 106, results: { pass: 86, 'N/A': 19 } },
  'v2.3.3': { controls: 106, results: { pass: 89, fail: 1, 'N/A': 15 }, fails: ['2.1.8'] },
  'v2.3.5': { controls: 92, results: { pass: 73, 'N/A': 19 } },
  'v2.4': { controls: 92, results: { pass: 73, 'N/A': 19 } },
  'v2.5': { controls: 92, results: { pass: 73, 'N/A': 19 } },
  'v2.5.4': { controls: 122, results: { pass: 77, warn: 24, 'N/A': 21 } },
  'v2.6': { controls: 122, results: { pass: 77, warn: 24, 'N/A': 21 } },
  'CIS 1.20': { controls: 123, results: { pass: 61, warn: 27, 'N/A': 35 } },
  'CIS 1.23': { controls: 124, results: { pass: 73, warn: 29, 'N/A': 22 } },
  'CIS 1.24': { controls: 124, results: { pass: 72, fail: 1, warn: 29, 'N/A': 22 } },
  'CIS 1.7': {
    controls: 131,
    results: { pass: 62, fail: 1, warn: 45, 'N/A': 23 },
    fails: ['4.1.7'],
  },
};

/**
 * Where the guide text disagrees with later-guides.md (DIFFERENCES.md, "Counts"): these figures
 * replace the document's. v2.3 and v2.3.3 both state "**Result:** Document" for 1.1.13 (v2.3 line
 * 203, v2.3.3 line 210), which the document leaves out: its figures add up to 105, not 106.
 */
const CORRECTED: Record<string, Partial<Record<Category, number>>> = {
  'v2.3': { document: 1 },
  'v2.3.3': { document: 1 },
};

/**
 * later-guides.md counts only the controls that have a number and a Result line; the CIS 1.4
 * guides also head an unnumbered control ("--authorization-mode argument includes RBAC", Pass) and
 * eight best practices 1.6.1–1.6.8 without a Result. These are the controls left out.
 */
const UNCOUNTED: Record<string, string[]> = {
  'v2.2': ['(no number) Pass', ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `1.6.${n} (no result)`)],
  'v2.3': ['(no number) Pass', ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `1.6.${n} (no result)`)],
  'v2.3.3': ['(no number) Pass', ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `1.6.${n} (no result)`)],
};

/** Pairs of near-identical guides whose differences DIFFERENCES.md lists. */
const PAIRS: [string, string][] = [
  ['v2.2', 'v2.3'],
  ['v2.3', 'v2.3.3'],
  ['v2.3.5', 'v2.4'],
  ['v2.4', 'v2.5'],
  ['v2.3.5', 'v2.5'],
  ['v2.5.4', 'v2.6'],
];

async function formatJson(value: unknown, file: URL): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file.pathname)) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...options, parser: 'json' });
}

const readIndex = (g: GuideSource): LaterGuideIndex =>
  JSON.parse(readFileSync(indexFile(g.file), 'utf8')) as LaterGuideIndex;

const byName = (name: string): GuideSource => {
  const g = LATER_GUIDES.find((x) => x.name === name);
  if (!g) throw new Error(`no guide named ${name}`);
  return g;
};

function generatedDifferences(): string {
  const lines = PAIRS.flatMap(([a, b]) =>
    diffGuides(
      { name: a, controls: readIndex(byName(a)).controls },
      { name: b, controls: readIndex(byName(b)).controls },
    ),
  );
  return lines.join('\n');
}

describe('later guides: the committed indexes', () => {
  it('cover the twelve guide files of the seed folder, no more', () => {
    expect(LATER_GUIDES.map((g) => g.file)).toHaveLength(12);
    for (const g of LATER_GUIDES) expect(existsSync(indexFile(g.file)), g.file).toBe(true);
    if (!SEED) return;
    const readme = readFileSync(`${SEED}/README.md`, 'utf8');
    const listed = [...readme.matchAll(/^\| (\S+\.md) \| (.+?) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(LATER_GUIDES.map((g) => g.file));
    for (const g of LATER_GUIDES) {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${g.file} |`)) ?? '';
      expect(row, g.file).toContain(`| ${g.title} |`);
      expect(row, g.file).toContain(`${g.repo} @ ${g.commit.slice(0, 7)}`);
      expect(row, g.file).toContain(g.path.split('/').slice(-1)[0] ?? '');
    }
  });

  it.each(LATER_GUIDES)('$name: the index is the seed guide, read afresh', async (g) => {
    if (!SEED) {
      expect(readIndex(g).file).toBe(g.file);
      return;
    }
    const fresh = buildIndex(g, readFileSync(`${SEED}/${g.file}`, 'utf8'));
    if (UPDATE) writeFileSync(indexFile(g.file), await formatJson(fresh, indexFile(g.file)));
    expect(readIndex(g)).toEqual(fresh);
  });

  it.each(LATER_GUIDES)('$name: no line of the guide after the first control is lost', (g) => {
    if (!SEED) return;
    const lines = readFileSync(`${SEED}/${g.file}`, 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    const index = readIndex(g);
    // Everything extracted, as one text to look lines up in.
    const extracted = [
      ...index.sections.flatMap((s) => [s.title, s.text ?? '']),
      ...index.controls.flatMap((c) => [
        c.title,
        c.result ?? '',
        c.remediation ?? '',
        ...c.notes.map((n) => n.text),
        ...c.audits.flatMap((a) => [a.label ?? '', a.command ?? '']),
        ...c.expected.map((v) => v.text),
        ...c.returned.map((v) => v.text),
      ]),
    ].join('\n');
    const first = index.controls[0]?.line ?? lines.length;
    const lost: number[] = [];
    let code = false;
    for (let i = first; i < lines.length; i++) {
      const line = (lines[i] ?? '').trim();
      // Blank lines, fences, headings and bare labels carry no text of their own.
      if (/^```/.test(line)) code = !code;
      if (line === '' || /^```/.test(line) || (!code && /^#{1,6} /.test(line))) continue;
      const text = line.replace(/^\*\*[A-Z][A-Za-z ]*:?\*\*:?\s*/, '');
      if (text !== '' && !extracted.includes(text)) lost.push(i + 1);
    }
    expect(lost).toEqual([]);
  });

  it.each(LATER_GUIDES)('$name: the index records where it came from', (g) => {
    const index = readIndex(g);
    const source: Record<string, unknown> = {};
    for (const k of Object.keys(g)) source[k] = index[k as keyof LaterGuideIndex];
    expect(source).toEqual(g);
  });

  it.each(LATER_GUIDES)('$name: counts and results as later-guides.md states them', (g) => {
    const index = readIndex(g);
    const counted = index.controls.filter((c) => c.id !== null && c.result !== null);
    const uncounted = index.controls
      .filter((c) => !counted.includes(c))
      .map((c) => `${c.id ?? '(no number)'} ${c.result ?? '(no result)'}`);
    expect(uncounted).toEqual(UNCOUNTED[g.name] ?? []);

    const doc = LATER_GUIDES_MD[g.name];
    expect(doc, g.name).toBeDefined();
    if (!doc) return;
    const tally: Partial<Record<Category, number>> = {};
    for (const c of counted) {
      const cat = CATEGORY[c.result ?? ''];
      expect(cat, `${c.id ?? ''}: unknown result ${c.result ?? ''}`).toBeDefined();
      if (cat) tally[cat] = (tally[cat] ?? 0) + 1;
    }
    expect(counted).toHaveLength(doc.controls);
    expect(tally).toEqual({ ...doc.results, ...CORRECTED[g.name] });
    if (doc.fails) {
      expect(counted.filter((c) => CATEGORY[c.result ?? ''] === 'fail').map((c) => c.id)).toEqual(
        doc.fails,
      );
    }
  });

  it.each(LATER_GUIDES)('$name: every control is whole and numbered once', (g) => {
    const index = readIndex(g);
    const ids = index.controls.map((c) => c.id).filter((id) => id !== null);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of index.controls) {
      expect(c.title, c.id ?? '').not.toBe('');
      expect(['Scored', 'Not Scored', 'Automated', 'Manual']).toContain(c.scoring);
      // CIS 1.5 and later guides state a Result and a Remediation for every control.
      if (g.family === 'kube-bench') {
        expect(c.result, c.id ?? '').not.toBeNull();
        expect(c.remediation, c.id ?? '').not.toBeNull();
      }
      for (const a of c.audits) expect(a.command, `${c.id ?? ''} line ${a.line}`).not.toBeNull();
      // No text outside the fields, except the best practices' text in the CIS 1.4 guides.
      const loose = c.notes.filter((n) => n.kind === null);
      expect(loose.length, c.id ?? '').toBe(c.result === null ? 1 : 0);
    }
    // The only thing the reader flags: the CIS 1.4 guides' control heading without a number.
    expect(index.warnings.map((w) => w.message)).toEqual(
      g.family === 'docker-inspect' ? ['control heading without a number'] : [],
    );
    expect(index.lineEndings).toBe(g.name === 'v2.6' || g.name === 'CIS 1.20' ? 'CRLF' : 'LF');
  });
});

describe('later guides: finding the seed', () => {
  it('takes $RKECIS_SEED_DIR/later-guides, and refuses a seed folder without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rkecis-seed-'));
    try {
      expect(() => laterGuidesDir({ RKECIS_SEED_DIR: dir })).toThrow(
        `RKECIS_SEED_DIR=${dir} has no later-guides/ folder`,
      );
      mkdirSync(join(dir, 'later-guides'));
      expect(laterGuidesDir({ RKECIS_SEED_DIR: dir })).toBe(`${dir}/later-guides`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('later guides: DIFFERENCES.md', () => {
  it('lists the differences between near-identical guides as the indexes give them', () => {
    const text = readFileSync(DIFFERENCES, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const generated = generatedDifferences();
    if (UPDATE) {
      writeFileSync(
        DIFFERENCES,
        text.slice(0, start + BEGIN.length) + '\n\n' + generated + '\n' + text.slice(end),
      );
    }
    const now = readFileSync(DIFFERENCES, 'utf8');
    expect(now.slice(now.indexOf(BEGIN) + BEGIN.length, now.indexOf(END)).trim()).toBe(
      generated.trim(),
    );
  });
});
