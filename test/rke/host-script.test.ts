import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bitmask } from '../../src/engine/operators/bitmask.js';
import {
  chmodRemoving,
  hostScript,
  ifExists,
  shellQuote,
} from '../../src/rke/remediate/host-script.js';
import { tmp } from './helpers.js';

const NASTY = [
  'plain',
  "it's",
  '$(touch pwned)',
  '`id`',
  'a b\tc',
  '"double"',
  "'; rm -rf / #",
  'new\nline',
  '*',
];

describe('shellQuote', () => {
  it.each(NASTY)('passes %j through sh as one word, unexpanded', (s) => {
    const dir = tmp();
    const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(out).toBe(s);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});

describe('chmodRemoving: remove every bit outside the mask, add none', () => {
  it.each([
    ['700', 'u-s,g-rwxs,o-rwxt'],
    ['644', 'u-xs,g-wxs,o-wxt'],
    ['600', 'u-xs,g-rwxs,o-rwxt'],
    ['1777', 'u-s,g-s'],
  ])('%s -> %s', (max, expected) => {
    expect(chmodRemoving(max)).toBe(expected);
  });

  it.each([
    ['700', 0o755],
    ['700', 0o2775],
    ['644', 0o604],
    ['644', 0o777],
    ['644', 0o4755],
    ['600', 0o640],
  ])('on a real file: max %s from %o ends within the mask without gaining bits', (max, from) => {
    const f = join(tmp(), 'f');
    writeFileSync(f, '');
    chmodSync(f, from);
    execFileSync('chmod', [chmodRemoving(max), f]);
    const mode = statSync(f).mode & 0o7777;
    expect(bitmask(mode.toString(8), max)).toBe(true);
    expect(mode & ~from).toBe(0);
  });
});

describe('hostScript', () => {
  it('runs under sh -eu, quoting paths, and skips paths that do not exist', () => {
    const dir = tmp();
    const odd = join(dir, "etcd data $(touch pwned) 'x'");
    mkdirSync(odd);
    chmodSync(odd, 0o755);
    const missing = join(dir, 'missing');
    const script = hostScript(
      'etcd',
      [
        {
          controls: ['1.4.11'],
          title: 'the etcd data directory\n$(touch pwned2)',
          commands: ifExists(odd, [`chmod ${chmodRemoving('700')} ${shellQuote(odd)}`]),
        },
        {
          controls: ['1.4.11'],
          title: 'not there',
          commands: ifExists(missing, [`chmod 700 ${shellQuote(missing)}`]),
        },
      ],
      { source: 'r.json', nodes: ['n1 (10.0.0.1)'], version: 'test' },
    );
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('# 1.4.11: the etcd data directory\n# $(touch pwned2)\n');
    const file = join(dir, 'host-etcd.sh');
    writeFileSync(file, script);
    const res = execFileSync('sh', [file], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(res).toContain('host-etcd.sh done');
    expect(statSync(odd).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
  });
});
