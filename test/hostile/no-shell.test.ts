import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue #9, "No shell": rkecis never spawns a shell or runs text as a command. The product code
 * (src/) imports no child_process at all, passes no `shell` option, calls no exec/execSync, spawns
 * no sh/bash, and over SSH uses SFTP and socket forwarding only (no remote exec or shell). The
 * ESLint rule in eslint.config.js forbids exec/execSync imports as well.
 */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Comments say what the code never does; only code counts. */
const code = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

export const FORBIDDEN: [string, RegExp][] = [
  [
    'child_process imported',
    /\bfrom\s+['"](node:)?child_process['"]|require\(\s*['"](node:)?child_process['"]\s*\)|import\(\s*['"](node:)?child_process['"]\s*\)/,
  ],
  ['a shell option', /\bshell\s*:\s*(true|['"`])/],
  ['exec( called bare (child_process.exec)', /(^|[^.\w$])exec\s*\(/m],
  ['execSync(', /\bexecSync\s*\(/],
  [
    'a spawn of sh or bash',
    /\b(spawn|spawnSync|execFile|execFileSync)\s*\(\s*['"`](\/usr)?(\/bin\/)?(ba|da|z|k)?sh['"`]/,
  ],
  [
    'a remote command or shell over SSH (ssh2 Client#exec or #shell)',
    /\b(conn|client|ssh|connection|session)\w*\.(exec|shell)\s*\(/i,
  ],
  ['eval or new Function', /(^|[^.\w$])eval\s*\(|\bnew\s+Function\s*\(/m],
];

describe('no shell, no commands, in the product code', () => {
  const files = sources('src');

  it('scans every source file', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(FORBIDDEN)('src/ has no %s', (_what, pattern) => {
    const hits = files.filter((f) => pattern.test(code(readFileSync(f, 'utf8'))));
    expect(hits).toEqual([]);
  });

  it('the scan would catch each of them (it is not vacuous)', () => {
    const planted = [
      "import { exec } from 'node:child_process';",
      "const cp = require('child_process');",
      "spawn('ls', [], { shell: true });",
      "spawnSync(cmd, { shell: '/bin/sh' });",
      'exec(`docker inspect ${name}`);',
      'execSync(text);',
      "spawn('/bin/sh', ['-c', args]);",
      "execFile('bash', ['-c', x]);",
      "conn.exec('docker inspect kube-apiserver', cb);",
      'eval(evidence);',
    ];
    for (const line of planted) {
      expect(
        FORBIDDEN.some(([, p]) => p.test(code(line))),
        line,
      ).toBe(true);
    }
    // What src/ legitimately has: RegExp#exec and SQLite's exec.
    for (const line of ["/x/.exec('a');", 're.exec(arg);', 'db.exec(`CREATE TABLE t (a)`);']) {
      expect(
        FORBIDDEN.some(([, p]) => p.test(code(line))),
        line,
      ).toBe(false);
    }
  });

  it('ESLint forbids importing exec and execSync', () => {
    const config = readFileSync('eslint.config.js', 'utf8');
    expect(config).toMatch(/no-restricted-imports/);
    expect(config).toMatch(
      /name:\s*'node:child_process'[\s\S]*importNames:\s*\['exec',\s*'execSync'\]/,
    );
  });
});
