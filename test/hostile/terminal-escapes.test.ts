import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createClusterMerger } from '../../src/cluster/merge.js';
import { text as diffText } from '../../src/diff/formatters/text.js';
import { markdown as diffMarkdown } from '../../src/diff/formatters/markdown.js';
import { diffScans } from '../../src/diff/diff.js';
import { historyText } from '../../src/cli/history.js';
import { messageLine } from '../../src/cli/say.js';
import { clusterMarkdown } from '../../src/report/formatters/cluster-markdown.js';
import { clusterText } from '../../src/report/formatters/cluster-text.js';
import { markdown } from '../../src/report/formatters/markdown.js';
import { renderedText } from '../../src/report/formatters/rendered.js';
import { text } from '../../src/report/formatters/text.js';
import type { ClusterReport, NodeReport } from '../../src/report/types.js';
import type { ScanRecord } from '../../src/store/store.js';
import { oneLine, visible } from '../../src/text/visible.js';
import { sampleReport } from '../helpers/sample-report.js';
import { runMain, tempDir } from './harness.js';

/**
 * Terminal escapes (issue #13): names, waiver fields, evidence values and file names come from
 * outside, and a terminal obeys what they may hold: CSI (colours, cursor moves, clearing the
 * screen), OSC (the window title, hyperlinks, the clipboard), their one-byte C1 forms, a carriage
 * return that overwrites a line, bidirectional overrides that reorder what is read (Trojan
 * Source). None of it may reach a terminal or a Markdown document raw, and no newline in a name
 * may start a line of its own (a forged status line) or break a Markdown table.
 */

/** Everything a reader would act on: C0 but tab and newline, DEL, C1, bidi controls, separators. */
const RAW =
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** One of each, and a newline before text that would pass for a line of the report. */
const PAYLOAD = [
  'n',
  '\u001b[31mCSI',
  '\u001b]0;TITLE\u0007',
  '\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\',
  '\u001b]52;c;cm0gLXJmIC8=\u0007',
  '\u009b2J',
  '\u009d0;C1-OSC\u009c',
  '\u202eRLO\u202c',
  '\u2066LRI\u2069',
  '\u200eLRM\u200f\u061c',
  '\u2028LS\u2029PS',
  '\rCR\u0008BS\u007fDEL',
  '\u0000NUL',
  '\nFAKE-LINE [PASS] 9.9.9',
].join('');
/** For a file name: no NUL and no slash. */
const FILE_PAYLOAD = PAYLOAD.replaceAll('\u0000', '').replaceAll('/', '');

/** Asserts nothing of the payload acts: no raw control, no forged line. */
function expectInert(out: string, label: string): void {
  const at = RAW.exec(out);
  expect(
    at,
    `${label}: raw U+${(at?.[0].codePointAt(0) ?? 0).toString(16)} near ${JSON.stringify(out.slice(Math.max(0, (at?.index ?? 0) - 40), (at?.index ?? 0) + 10))}`,
  ).toBeNull();
  // Evidence and reasons may have lines of their own, indented under their label or inside a
  // code block; nothing from outside may begin a line of the report itself.
  const outsideCode = out.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
  expect(outsideCode, `${label}: a line forged from a name`).not.toMatch(/^FAKE-LINE/m);
}

/** Cells of a Markdown table row: `|` not escaped by an odd run of backslashes. */
function cells(row: string): number {
  let n = 0;
  let backslashes = 0;
  for (const c of row) {
    if (c === '|' && backslashes % 2 === 0) n++;
    backslashes = c === '\\' ? backslashes + 1 : 0;
  }
  return n;
}

/** Every Markdown table keeps the shape of its header row. */
function expectTablesWhole(md: string, label: string): void {
  let header: number | undefined;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    header ??= cells(line);
    expect(cells(line), `${label}: ${line}`).toBe(header);
  }
}

describe('the one helper', () => {
  it.each([
    ['\u001b[31m', '\\x1b[31m'],
    ['\u009b2J', '\\x9b2J'],
    ['a\rb', 'a\\rb'],
    ['\u202eevil', '\\u202eevil'],
    ['\u2066\u2069', '\\u2066\\u2069'],
    ['\u2028', '\\u2028'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['ünï 😀 日本', 'ünï 😀 日本'],
  ])('visible(%j) = %j', (input, out) => {
    expect(visible(input)).toBe(out);
  });

  it('oneLine also escapes tab and newline', () => {
    expect(oneLine('a\tb\nc')).toBe('a\\tb\\nc');
  });

  it('messages on stderr are one escaped line', () => {
    const line = messageLine(`cannot read ${FILE_PAYLOAD}`);
    expectInert(line, 'messageLine');
    expect(line).toMatch(/^rkecis: [^\n]*\n$/);
  });
});

/**
 * The sample report with every field that comes from outside set to `s`. Evidence, reasons and
 * justifications may be several lines long, and are shown so (indented under their label, in a
 * code block, as paragraphs of a field): they get `s` without its newlines. Names get all of it.
 */
function hostileNode(s: string): NodeReport {
  const r = sampleReport();
  const prose = s.replace(/\n/g, ' ');
  const waivers = r.waivers;
  return {
    ...r,
    profile: { ...r.profile, title: `profile ${s}` },
    node: {
      ...r.node,
      name: `node ${s}`,
      hostname: `host ${s}`,
      rolesReason: `roles ${s}`,
      skipped: [{ role: 'etcd', controls: 3, reason: `skipped ${prose}` }],
    },
    results: r.results.map((x) => ({
      ...x,
      actual: `actual ${prose}`,
      ...(x.reason !== undefined ? { reason: `reason ${prose}` } : {}),
      ...(x.waiver !== undefined
        ? {
            waiver: {
              justification: `why ${prose}`,
              approvedBy: `by ${s}`,
              expires: '2030-01-31',
              source: `${s}.yaml:4:5`,
            },
          }
        : {}),
    })),
    ...(waivers !== undefined
      ? {
          waivers: {
            file: `waivers ${s}.yaml`,
            applied: waivers.applied.map((w) => ({
              ...w,
              justification: `why ${prose}`,
              approvedBy: `by ${s}`,
              source: `${s}:1:1`,
            })),
            expired: waivers.expired.map((w) => ({ ...w, source: `${s}:2:1` })),
            unused: waivers.unused.map((w) => ({
              ...w,
              reason: `unused ${prose}`,
              source: `${s}:3:1`,
            })),
          },
        }
      : {}),
  };
}

function hostileCluster(s: string): ClusterReport {
  const m = createClusterMerger();
  const a = hostileNode(s);
  m.add(a, `bundles/${s}.json`);
  m.add({ ...hostileNode(s), node: { ...a.node, name: `second ${s}` } }, `bundles/b${s}.json`);
  m.notScanned({ name: `gone ${s}`, roles: ['worker'], source: `${s}:22`, reason: `refused ${s}` });
  return m.finish({
    cluster: { name: `cluster ${s}`, source: `/srv/${s}.yml` },
    expected: {
      from: `/srv/${s}.yml`,
      nodes: [
        { name: `node ${s}`, roles: ['controlplane'] },
        { name: `gone ${s}`, roles: ['worker'] },
      ],
    },
    nodeMaps: 'all',
  });
}

function record(s: string): ScanRecord {
  return {
    id: '0123456789abcdef',
    kind: 'node',
    cluster: `cluster ${s}`,
    node: `node ${s}`,
    scannedAt: '2026-01-02T03:04:05.000Z',
    savedAt: '2026-01-02T03:04:06.000Z',
    compliant: false,
    waived: 1,
    profile: `profile ${s}`,
    benchmark: 'CIS 1.3.0',
    rkecisVersion: '0.1.0',
    counts: { total: 1, pass: 1, fail: 0, error: 0, 'not-applicable': 0, manual: 0 },
    scoredPassRate: 1,
    evidenceSha256: '0'.repeat(64),
  };
}

/** Every terminal and Markdown rendering of user-supplied text. */
function renderings(s: string): [string, string][] {
  const node = hostileNode(s);
  const cluster = hostileCluster(s);
  const other = {
    ...hostileNode(s),
    results: hostileNode(s).results.map((r) => ({ ...r, status: 'pass' as const })),
  };
  const d = diffScans(
    { label: `a ${s}.json`, nodes: [{ report: other }] },
    {
      label: `b ${s}.json`,
      nodes: [
        { report: node },
        { report: { ...node, node: { ...node.node, name: `added ${s}` } } },
      ],
    },
  );
  return [
    ['text', text(node)],
    ['text --verbose', text(node, { verbose: true, width: 60 })],
    ['markdown', markdown(node)],
    ['cluster text', renderedText(clusterText(cluster, { verbose: true }))],
    ['cluster markdown', renderedText(clusterMarkdown(cluster))],
    ['diff text', diffText(d)],
    ['diff markdown', diffMarkdown(d)],
    ['history', historyText([record(s)])],
  ];
}

describe('every user-supplied field, in every terminal and Markdown output', () => {
  it.each(renderings(PAYLOAD))('%s', (name, out) => {
    expectInert(out, name);
    if (name.includes('markdown')) expectTablesWhole(out, name);
  });

  it('any mix of escapes, controls and bidi characters (fast-check)', () => {
    const unit = fc.constantFrom(
      '\u0000',
      '\u0007',
      '\u0008',
      '\t',
      '\n',
      '\r',
      '\u001b',
      '[',
      ']',
      ';',
      '\\',
      '|',
      '`',
      '\u007f',
      '\u0085',
      '\u009b',
      '\u009d',
      '\u009c',
      '\u061c',
      '\u200e',
      '\u200f',
      '\u2028',
      '\u2029',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
      'a',
      ' ',
      '-',
      '#',
      'ü',
      '😀',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
        for (const [name, out] of renderings(`${s}\nFAKE-LINE`)) {
          expectInert(out, name);
          if (name.includes('markdown')) expectTablesWhole(out, name);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the CLI: stdout, stderr and the files people read', () => {
  const tmp = tempDir('escapes');
  afterAll(tmp.remove);
  const at = (name: string): string => join(tmp.dir, name);
  const hardened = JSON.parse(readFileSync('examples/hardened-node.json', 'utf8')) as {
    node: { name: string; hostname?: string };
  };
  const bundle = (name: string): string =>
    JSON.stringify({ ...hardened, node: { ...hardened.node, name, hostname: `host ${PAYLOAD}` } });
  const store = `sqlite:${at('history.db')}`;
  const waivers = at(`waivers ${FILE_PAYLOAD}.yaml`);
  writeFileSync(at('a.json'), bundle(`node ${PAYLOAD}`));
  writeFileSync(at(`b ${FILE_PAYLOAD}.json`), bundle(`other ${PAYLOAD}`));
  writeFileSync(
    waivers,
    [
      'apiVersion: rkecis.io/v1',
      'kind: Waivers',
      'waivers:',
      '  - control: 1.1.21',
      `    justification: ${JSON.stringify(`why ${PAYLOAD}`)}`,
      `    approvedBy: ${JSON.stringify(`by ${PAYLOAD}`)}`,
      '  - control: 9.9.9',
      `    justification: ${JSON.stringify(`never ${PAYLOAD}`)}`,
      '',
    ].join('\n'),
  );
  mkdirSync(at('bundles'));
  writeFileSync(at(`bundles/one ${FILE_PAYLOAD}.json`), bundle(`node ${PAYLOAD}`));
  writeFileSync(at(`bundles/two ${FILE_PAYLOAD}.json`), '{"not": "a bundle"}');

  const runs: [string, string[]][] = [
    ['evaluate, text', ['evaluate', at('a.json'), '--waivers', waivers, '--verbose']],
    ['evaluate, markdown', ['evaluate', at('a.json'), '--waivers', waivers, '-f', 'markdown']],
    ['evaluate --save', ['evaluate', at('a.json'), '--store', store]],
    ['evaluate b --save', ['evaluate', at(`b ${FILE_PAYLOAD}.json`), '--store', store]],
    ['history', ['history', '--store', store]],
    ['diff, text', ['diff', at('a.json'), at(`b ${FILE_PAYLOAD}.json`)]],
    ['diff, markdown', ['diff', at('a.json'), at(`b ${FILE_PAYLOAD}.json`), '-f', 'markdown']],
    [
      'cluster, text',
      [
        'cluster',
        '--bundles',
        at('bundles'),
        '--cluster-name',
        `c ${PAYLOAD}`,
        '--waivers',
        waivers,
      ],
    ],
    [
      'cluster, markdown',
      ['cluster', '--bundles', at('bundles'), '--cluster-name', `c ${PAYLOAD}`, '-f', 'markdown'],
    ],
    [
      'a waivers file that does not exist',
      ['evaluate', at('a.json'), '--waivers', at(`no ${FILE_PAYLOAD}`)],
    ],
  ];

  it.each(runs)('%s', async (name, args) => {
    const run = await runMain(args);
    expect(run.code, `${name}: ${run.stderr}`).toBeLessThanOrEqual(2);
    expectInert(run.stdout, `${name}: stdout`);
    expectInert(run.stderr, `${name}: stderr`);
    if (name.includes('markdown')) expectTablesWhole(run.stdout, name);
  });

  it('show, and its recheck message', async () => {
    const list = await runMain(['history', '--store', store, '-f', 'json']);
    const [first] = JSON.parse(list.stdout) as { id: string }[];
    const run = await runMain(['show', first?.id ?? '', '--store', store, '--recheck']);
    expect(run.code).toBeLessThanOrEqual(1);
    expectInert(run.stdout, 'show: stdout');
    expectInert(run.stderr, 'show: stderr');
  });

  it('remediate: its summary, README tables and host scripts', async () => {
    const report = await runMain(['evaluate', at('a.json'), '-f', 'json']);
    writeFileSync(at('report.json'), report.stdout);
    const run = await runMain(['remediate', at('report.json'), '--output-dir', at('fix')]);
    expect(run.code, run.stderr).toBe(0);
    expectInert(run.stdout, 'remediate: stdout');
    for (const f of readdirSync(at('fix'))) {
      if (f === 'encryption.yaml') continue;
      const content = readFileSync(at(`fix/${f}`), 'utf8');
      expectInert(content, `remediate: ${f}`);
      if (f.endsWith('.md')) expectTablesWhole(content, f);
    }
  });
});
