import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOutcome, runMain, tempDir } from './harness.js';
import { META, PROFILE_CASES, SECTION, WAIVERS_CASES, type FileSpec } from './profiles.cases.js';

const tmp = tempDir('profiles');
afterAll(tmp.remove);
const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');
let n = 0;

function put(path: string, spec: FileSpec): void {
  if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(path, spec);
  else if ('fifo' in spec) execFileSync('mkfifo', [path]);
  else if ('dir' in spec) mkdirSync(path);
  else symlinkSync(spec.symlink, path);
}

/** Runs evaluate with every output requested, and checks that bad input wrote none of them. */
async function evaluateInto(
  args: string[],
  exit: number,
): Promise<Awaited<ReturnType<typeof runMain>>> {
  const out = mkdtempSync(join(tmp.dir, 'out-'));
  const run = await runMain([...args, '--format', 'json', '-o', `sarif=${join(out, 'r.sarif')}`]);
  expect(readdirSync(out), run.stderr).toEqual(exit === 2 ? [] : ['r.sarif']);
  return run;
}

describe('hostile profiles: rkecis evaluate --profile', () => {
  it.each(PROFILE_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const dir = join(tmp.dir, `profile-${++n}`);
      mkdirSync(dir);
      const files: Record<string, FileSpec | undefined> = {
        'profile.yaml': META,
        's.yaml': SECTION,
      };
      c.profile(files);
      // The regex of 1.1.15 is \S unless the case set one.
      const s = files['s.yaml'];
      if (typeof s === 'string') files['s.yaml'] = s.replace("'REGEX'", "'\\S'");
      for (const [name, spec] of Object.entries(files))
        if (spec !== undefined) put(join(dir, name), spec);
      const evidence = join(dir, '..', `evidence-${n}.json`);
      writeFileSync(evidence, c.evidence?.(HARDENED) ?? HARDENED);
      const t0 = Date.now();
      const run = await evaluateInto(
        ['evaluate', evidence, '--profile', c.arg?.(dir) ?? dir],
        c.expect.exit,
      );
      expect(Date.now() - t0, 'bounded time').toBeLessThan(20_000);
      expectOutcome(run, c.expect, c.name);
    },
    60_000,
  );
});

describe('hostile waivers: rkecis evaluate --waivers', () => {
  it.each(WAIVERS_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      let path: string;
      if (typeof c.file === 'function') path = c.file(tmp.dir);
      else {
        path = join(tmp.dir, `waivers-${++n}.yaml`);
        put(path, c.file);
      }
      const t0 = Date.now();
      const run = await evaluateInto(
        ['evaluate', 'examples/hardened-node.json', '--waivers', path],
        c.expect.exit,
      );
      expect(Date.now() - t0, 'bounded time').toBeLessThan(20_000);
      expectOutcome(run, c.expect, c.name);
    },
    60_000,
  );
});
