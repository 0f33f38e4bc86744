import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';

/**
 * Runs `rkecis ARGS | head -c N` under pipefail and returns what head printed, the exit code and
 * what rkecis said on stderr (kept out of the test run's own output).
 */
function throughHead(args: string[], bytes: number, env: NodeJS.ProcessEnv = {}) {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `"${process.execPath}" "${BIN}" ${quoted} | head -c ${bytes}; echo " exit $?"`,
    ],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } },
  );
  const m = / exit (\d+)\n$/.exec(r.stdout);
  return { head: r.stdout.slice(0, m?.index ?? 0), code: Number(m?.[1]), stderr: r.stderr };
}

describe('stdout', () => {
  it('a reader that stops early does not change the exit code of a failing report (pipefail)', () => {
    const r = throughHead(['evaluate', 'examples/insecure-node.json', '--format', 'json'], 10);
    expect(r.head).toBe('{\n  "rkeci');
    expect(r.code).toBe(1);
  });

  it('a reader that stops early still lets the scan be saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rkecis-stdout-'));
    try {
      const db = join(dir, 'history.db');
      const r = throughHead(
        ['evaluate', 'examples/insecure-node.json', '--format', 'json', '--save', '--store', db],
        10,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rkecis: saved scan \w+ \(node [^)]+\) to .*history\.db\n$/);
      expect(existsSync(db)).toBe(true);
      const list = execFileSync(
        process.execPath,
        [BIN, 'history', '--store', db, '--format', 'json'],
        {
          encoding: 'utf8',
        },
      );
      expect(JSON.parse(list)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(existsSync('/dev/full'))('a full disk behind stdout is exit 2 with one line', () => {
    const out = execFileSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${BIN}" evaluate examples/insecure-node.json 2>&1 >/dev/full | cat; echo "exit \${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('rkecis: cannot write to standard output: ENOSPC\nexit 2\n');
  });
});
