import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemReason } from '../../src/text/system-error.js';
import { shorten } from '../../src/text/shorten.js';
import { expectNoTrace, runMain, tempDir, type Run } from './harness.js';

/**
 * Error messages on first use (issue #13): each names the user's input in words the user can act
 * on. Never a temporary file, a repeated errno code or zod's wording; never 100 KB of an
 * argument echoed back; a usage error points at the help of the command it was in.
 */
const tmp = tempDir('messages');
afterAll(tmp.remove);
const at = (name: string): string => join(tmp.dir, name);
const HARDENED = 'examples/hardened-node.json';

/** What no message may say: the schema library's wording, or an errno code twice. */
const ZOD_WORDING =
  /Invalid input|Invalid option|Invalid string|Too small|Too big|received (null|undefined|object|array|string|number)|Unrecognized key/;

function expectOneLine(run: Run, label: string): string {
  expectNoTrace(run.stderr);
  expect(run.code, `${label}: ${run.stderr}`).toBe(2);
  expect(run.stderr, label).toMatch(/^rkecis: [^\n]+\n$/);
  expect(run.stderr, label).not.toMatch(ZOD_WORDING);
  expect(run.stderr, label).not.toMatch(/\b(E[A-Z]{3,})\b.*\b\1\b/);
  expect(run.stderr, label).not.toMatch(/\.tmp\b/);
  return run.stderr;
}

describe('system errors in words', () => {
  it.each([
    [
      { code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' },
      'no space left on the device',
    ],
    [
      { code: 'EACCES', message: "EACCES: permission denied, open '/out/.r.txt.0a1b.tmp'" },
      'permission denied',
    ],
    [
      {
        code: 'EISDIR',
        message: "EISDIR: illegal operation on a directory, rename '.r.x.tmp' -> 'r'",
      },
      'it is a folder',
    ],
    [{ code: 'ENOENT', message: "ENOENT: no such file or directory, open 'x'" }, 'no such file'],
    [
      { code: 'EWEIRD', message: "EWEIRD: something odd, open '/out/.r.txt.0a1b.tmp'" },
      'EWEIRD: something odd',
    ],
    [{ code: 'EWEIRD', message: 'it broke' }, 'EWEIRD: it broke'],
    [new Error('plain failure'), 'plain failure'],
  ])('%j -> %s', (error, words) => {
    expect(systemReason(error)).toBe(words);
  });

  it("a report that cannot be written names the user's path, not the temporary file", async () => {
    const missing = await runMain(['evaluate', HARDENED, '--output', at('no-folder/r.txt')]);
    expect(expectOneLine(missing, 'missing folder')).toBe(
      `rkecis: cannot write ${at('no-folder/r.txt')}: no such folder ${at('no-folder')}\n`,
    );
    mkdirSync(at('a-folder'));
    const folder = await runMain(['evaluate', HARDENED, '-o', `html=${at('a-folder')}`]);
    expect(expectOneLine(folder, 'folder target')).toBe(
      `rkecis: cannot write ${at('a-folder')}: a folder\n`,
    );
  });

  it('an input that is a folder says so in words', async () => {
    mkdirSync(at('reports'), { recursive: true });
    const run = await runMain(['remediate', at('reports')]);
    expect(expectOneLine(run, 'remediate a folder')).toBe(
      `rkecis: ${at('reports')}: a folder, not a regular file; not a report or evidence bundle\n`,
    );
  });
});

describe('schema problems in plain words', () => {
  const waivers = (body: string): string =>
    `apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n${body}`;
  const CASES: {
    name: string;
    file: string;
    text: string;
    args: (f: string) => string[];
    message: RegExp;
  }[] = [
    {
      name: 'a waiver that is null',
      file: 'null-waiver.yaml',
      text: waivers('  - null\n'),
      args: (f) => ['evaluate', HARDENED, '--waivers', f],
      message:
        /null-waiver\.yaml:4:5: expected a mapping of keys to values, found null \(at waivers\.0\)$/m,
    },
    {
      name: 'a waivers file without apiVersion',
      file: 'no-version.yaml',
      text: 'kind: Waivers\nwaivers: []\n',
      args: (f) => ['evaluate', HARDENED, '--waivers', f],
      message: /no-version\.yaml:1:1: expected "rkecis\.io\/v1", found nothing \(at apiVersion\)$/m,
    },
    {
      name: 'a waivers list that is text',
      file: 'text-list.yaml',
      text: 'apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers: all of them\n',
      args: (f) => ['evaluate', HARDENED, '--waivers', f],
      message:
        /text-list\.yaml:3:10: expected a list, found the text "all of them" \(at waivers\)$/m,
    },
    {
      name: 'a waiver scope with an empty node list',
      file: 'empty-scope.yaml',
      text: waivers('  - control: 1.1.1\n    justification: ok\n    scope: { nodes: [] }\n'),
      args: (f) => ['evaluate', HARDENED, '--waivers', f],
      message:
        /empty-scope\.yaml:6:21: must not be an empty list \(at waivers\.0\.scope\.nodes\)$/m,
    },
    {
      name: 'a waiver for a role that does not exist',
      file: 'bad-role.yaml',
      text: waivers('  - control: 1.1.1\n    justification: ok\n    scope: { roles: [boss] }\n'),
      args: (f) => ['evaluate', HARDENED, '--waivers', f],
      message:
        /bad-role\.yaml:6:22: expected one of "controlplane", "etcd", "worker", found the text "boss" \(at waivers\.0\.scope\.roles\.0\)$/m,
    },
    {
      name: 'a cluster.yml node that is null',
      file: 'null-node.yml',
      text: 'nodes:\n  - null\n',
      args: (f) => ['plan', f],
      message:
        /null-node\.yml:2:5: expected a mapping of keys to values, found null \(at nodes\.0\)$/m,
    },
    {
      name: 'an evidence bundle whose node is null',
      file: 'null-node.json',
      text: JSON.stringify({ ...JSON.parse(readFileSync(HARDENED, 'utf8')), node: null }),
      args: (f) => ['evaluate', f],
      message:
        /null-node\.json: invalid evidence at node: expected a mapping of keys to values, found null$/m,
    },
    {
      name: 'a report for remediate without its profile',
      file: 'no-profile.json',
      text: '{"results": []}',
      args: (f) => ['remediate', f],
      message:
        /no-profile\.json: not an rkecis JSON report or evidence bundle \(at profile: expected a mapping of keys to values, found nothing\)$/m,
    },
  ];

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    writeFileSync(at(c.file), c.text);
    const run = await runMain(c.args(at(c.file)));
    expect(expectOneLine(run, c.name)).toMatch(c.message);
  });
});

describe('a huge argument is not echoed whole', () => {
  const BIG = 'a'.repeat(100_000);
  it.each([
    ['a bundle path', ['evaluate', BIG]],
    ['a --format value', ['evaluate', HARDENED, '--format', BIG]],
    ['a --timeout value', ['scan', '--timeout', BIG]],
    ['a --waivers path', ['evaluate', HARDENED, '--waivers', BIG]],
    ['a command name', [BIG]],
    ['a --limit value', ['history', '--limit', BIG]],
  ])('%s', async (_name, args) => {
    const run = await runMain(args);
    expect(run.code).toBe(2);
    expect(run.stderr.length).toBeLessThan(1000);
    expect(run.stderr).toContain('…[');
    expect(run.stderr).toMatch(/characters\]…/);
  });

  it('keeps short words whole and shows the start and end of a long one', () => {
    expect(shorten('a short message')).toBe('a short message');
    const long = `${'x'.repeat(150)}${'y'.repeat(300)}${'z'.repeat(50)}`;
    const out = shorten(`open ${long}: no such file`);
    // The word runs up to the colon: 501 characters, 120 + 40 of them shown.
    expect(out).toBe(`open ${'x'.repeat(120)}…[341 characters]…${'z'.repeat(39)}: no such file`);
    // A message of many short words is cut in the middle, keeping its end (the problem).
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    expect(shorten(`${words} is wrong`).length).toBeLessThan(2100);
    expect(shorten(`${words} is wrong`)).toMatch(/ is wrong$/);
  });
});

describe('deadlines', () => {
  it.each([
    [
      ['scan', '--timeout', '0'],
      /^rkecis: --timeout 0: a deadline must be more than 0 seconds \(at most 3600\); rkecis has no "no deadline"/,
    ],
    [['collect', '--timeout', '0'], /^rkecis: --timeout 0: a deadline must be more than 0 seconds/],
    [
      ['cluster', '--bundles', '.', '--timeout', '0'],
      /^rkecis: --timeout 0: a deadline must be more than 0 seconds/,
    ],
    [
      ['cluster', '--bundles', '.', '--node-timeout', '0'],
      /^rkecis: --node-timeout 0: a deadline must be more than 0 seconds \(at most 86400\)/,
    ],
    [
      ['scan', '--timeout', '-1'],
      /^rkecis: --timeout "-1": expected a number of seconds, more than 0 and at most 3600/,
    ],
    [['scan', '--timeout', 'soon'], /^rkecis: --timeout "soon": expected a number of seconds/],
  ])('%j', async (args, message) => {
    const run = await runMain(args);
    expect(expectOneLine(run, args.join(' '))).toMatch(message);
  });
});

describe('usage errors point to the help of their command', () => {
  it.each([
    [
      ['evaluate', HARDENED, '--bogus'],
      "error: unknown option '--bogus'",
      'rkecis evaluate --help',
    ],
    [['scan', '--format', 'pdf'], "argument 'pdf' is invalid", 'rkecis scan --help'],
    [
      ['history', 'prune'],
      "required option '--keep <n>' not specified",
      'rkecis history prune --help',
    ],
    [['diff', 'a'], "missing required argument 'b'", 'rkecis diff --help'],
    [['frobnicate'], "unknown command 'frobnicate'", 'rkecis --help'],
  ])('%j', async (args, error, help) => {
    const run = await runMain(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(error);
    expect(run.stderr).toContain(`(run ${help} for usage)`);
  });

  it('shows an argument with escape sequences escaped', async () => {
    const run = await runMain(['evaluate', HARDENED, '--format', 'x\u001b]0;pwned\u0007\u009b2J']);
    expect(run.code).toBe(2);
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    expect(run.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(run.stderr).toContain('x\\x1b]0;pwned\\x07\\x9b2J');
  });
});
