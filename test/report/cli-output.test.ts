import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseExtraOutputs, runDate } from '../../src/cli/report-output.js';
import { writeFiles } from '../../src/cli/write-files.js';
import type { NodeReport } from '../../src/report/types.js';
import formats, { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import { runMain } from '../helpers/run-main.js';

const HARDENED = 'examples/hardened-node.json';
const KNOWN = 'examples/waivers-rancher-known-failures.yaml';

let out = '';
let err = '';
let dir = '';
beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'rkecis-out-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const p = (name: string): string => join(dir, name);

/** Runs the CLI in this process; what it printed is left in `out` and `err`. */
async function main(args: string[]): Promise<number> {
  const run = await runMain(args);
  out = run.stdout;
  err = run.stderr;
  return run.code;
}

describe('rkecis evaluate with several outputs and waivers', () => {
  it('the hardened node with the known-failure waivers is compliant and writes every file (the issue\'s "done when")', async () => {
    const code = await main([
      'evaluate',
      HARDENED,
      '-o',
      `html=${p('r.html')}`,
      '-o',
      `sarif=${p('r.sarif')}`,
      '-o',
      `junit=${p('r.xml')}`,
      '--waivers',
      KNOWN,
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('[FAIL (waived)] 1.1.21');
    expect(out).toMatch(/Waivers\n {2}examples\/waivers-rancher-known-failures\.yaml: 8 applied/);
    expect(readFileSync(p('r.html'), 'utf8')).toMatch(
      /^<!DOCTYPE html>[\s\S]*id="control-1\.1\.21"/,
    );
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- pinned 5.12.1; its validator still checks well-formedness
    expect(XMLValidator.validate(readFileSync(p('r.xml'), 'utf8'))).toBe(true);
    const sarif = JSON.parse(readFileSync(p('r.sarif'), 'utf8')) as {
      runs: { results: { suppressions?: unknown[] }[] }[];
    };
    expect(sarif.runs[0]?.results.filter((r) => r.suppressions !== undefined)).toHaveLength(8);
    // Only the report files: no temporary file is left beside them.
    expect(readdirSync(dir).sort()).toEqual(['r.html', 'r.sarif', 'r.xml']);
  });

  it('without the waivers the same node is not compliant', async () => {
    expect(await main(['evaluate', HARDENED])).toBe(1);
  });

  it('writes the main output to --output and extra outputs beside it', async () => {
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');
    const code = await main([
      'evaluate',
      HARDENED,
      '--waivers',
      KNOWN,
      '-f',
      'json',
      '--output',
      p('r.json'),
      '-o',
      `markdown=${p('r.md')}`,
      '-o',
      `text=${p('r.txt')}`,
    ]);
    expect(code).toBe(0);
    expect(out).toBe('');
    const report = JSON.parse(readFileSync(p('r.json'), 'utf8')) as NodeReport;
    expect(report.generatedAt).toBe('2023-11-14T22:13:20Z');
    expect(report.rkecisVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.waivers?.applied).toHaveLength(8);
    expect(readFileSync(p('r.md'), 'utf8')).toContain('| Date | 2023-11-14T22:13:20Z |');
    // Files never get terminal colours.
    expect(readFileSync(p('r.txt'), 'utf8')).not.toContain('\u001b[');
  });

  it('--no-timestamp leaves the date out', async () => {
    await main(['evaluate', HARDENED, '-f', 'json', '--no-timestamp']);
    expect((JSON.parse(out) as NodeReport).generatedAt).toBeUndefined();
  });

  it('an expired waiver does not apply: the run fails and lists it', async () => {
    const waivers = p('w.yaml');
    writeFileSync(
      waivers,
      `${readFileSync(KNOWN, 'utf8')}\n`.replace(
        "control: '2.1.9'\n",
        "control: '2.1.9'\n    expires: 2001-01-01\n",
      ),
    );
    expect(await main(['evaluate', HARDENED, '--waivers', waivers])).toBe(1);
    // The status column is as wide as the widest tag, `[FAIL (waived)]`.
    expect(out).toContain('[FAIL]          2.1.9');
    expect(out).toMatch(/result: Not compliant: unwaived scored failure or error: 2\.1\.9\n/);
    expect(out).toMatch(
      /expired, not applied:\n {4}2\.1\.9 \(.*w\.yaml:\d+:5\)\n {6}expired after 2001-01-01/,
    );
  });

  it.each([
    [
      ['-o', 'report.json'],
      /-o report\.json: expected FORMAT=FILE.*not guessed from the file name/,
    ],
    [
      ['-o', 'pdf=report.pdf'],
      /unknown format "pdf"; formats: text, json, junit, sarif, markdown, html/,
    ],
    [['-o', 'json='], /needs a file name/],
    [['-o', 'json=-'], /needs a file name/],
    [['-o', 'json=a.json', '-o', 'sarif=a.json'], /a\.json is already written by -o json=a\.json/],
    [['--output', 'a.json', '-o', 'json=a.json'], /already written by --output/],
  ])('refuses %j with exit 2', async (args, message) => {
    expect(await main(['evaluate', HARDENED, ...args])).toBe(2);
    expect(err).toMatch(message);
  });

  it('a malformed waivers file exits 2 naming the line, and writes nothing', async () => {
    const waivers = p('bad.yaml');
    writeFileSync(
      waivers,
      "apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n  - control: '1.1.21'\n    approvedBy: me\n",
    );
    const code = await main([
      'evaluate',
      HARDENED,
      '--waivers',
      waivers,
      '-o',
      `html=${p('r.html')}`,
      '--output',
      p('main.txt'),
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(/bad\.yaml:4:5: .*justification/);
    expect(out).toBe('');
    expect(readdirSync(dir)).toEqual(['bad.yaml']);
  });

  it('when one file cannot be written, none is', async () => {
    const code = await main([
      'evaluate',
      HARDENED,
      '-o',
      `html=${p('r.html')}`,
      '-o',
      `json=${p('missing/r.json')}`,
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot write .*missing\/r\.json: no such folder .*missing\n/);
    expect(readdirSync(dir)).toEqual([]);
    expect(out).toBe('');
  });
});

describe('parseExtraOutputs', () => {
  it('parses FORMAT=FILE, keeping = signs in the file name', () => {
    expect(parseExtraOutputs(['json=a=b.json', 'html=r.html'], undefined)).toEqual([
      { format: 'json', path: 'a=b.json' },
      { format: 'html', path: 'r.html' },
    ]);
  });
});

describe('runDate', () => {
  it('honours SOURCE_DATE_EPOCH and refuses a bad one', () => {
    expect(runDate({ SOURCE_DATE_EPOCH: '0' }).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(() => runDate({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/SOURCE_DATE_EPOCH/);
  });
});

describe('writeFiles', () => {
  it('replaces existing files whole and leaves no temporary files', async () => {
    mkdirSync(p('d'));
    writeFileSync(p('d/a.txt'), 'old');
    await writeFiles([
      { path: p('d/a.txt'), content: 'new a' },
      { path: p('d/b.txt'), content: 'new b' },
    ]);
    expect(readFileSync(p('d/a.txt'), 'utf8')).toBe('new a');
    expect(readdirSync(p('d')).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('leaves the old files untouched when a later one fails', async () => {
    mkdirSync(p('e'));
    writeFileSync(p('e/a.txt'), 'old');
    await expect(
      writeFiles([
        { path: p('e/a.txt'), content: 'new' },
        { path: p('e/nowhere/b.txt'), content: 'b' },
      ]),
    ).rejects.toThrow(/cannot write/);
    expect(readFileSync(p('e/a.txt'), 'utf8')).toBe('old');
    expect(readdirSync(p('e'))).toEqual(['a.txt']);
    expect(existsSync(p('e/nowhere'))).toBe(false);
  });
});

describe('the format registry feeds the CLI', () => {
  it.each(['evaluate', 'scan', 'cluster', 'plan', 'show'])(
    '%s --help lists every format with what it is and its extension, and --format offers them',
    async (command) => {
      expect(await main([command, '--help'])).toBe(0);
      const help = out;
      for (const name of FORMAT_NAMES) {
        const f = formats[name];
        expect(help).toContain(`  ${name.padEnd(10)}${f.description} (.${f.extension})`);
      }
      expect(help.replace(/\s+/g, ' ')).toContain(
        `(choices: ${FORMAT_NAMES.map((n) => `"${n}"`).join(', ')}, default: "text")`,
      );
    },
  );
});
