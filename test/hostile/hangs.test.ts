import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOutcome, runMain, tempDir } from './harness.js';
import { DEEP_CLUSTER_YML, DEEP_PROFILE_CASES, DEEP_WAIVERS, REGEX_CASES } from './hangs.cases.js';
import { META, SECTION, type FileSpec } from './profiles.cases.js';

const tmp = tempDir('hangs');
afterAll(tmp.remove);
const HARDENED = readFileSync('examples/hardened-node.json', 'utf8');
let n = 0;

/** Runs evaluate with a report file requested: bad input must write none. */
async function evaluateInto(
  args: string[],
  exit: number,
): Promise<Awaited<ReturnType<typeof runMain>>> {
  const out = mkdtempSync(join(tmp.dir, 'out-'));
  const t0 = Date.now();
  const run = await runMain([...args, '--format', 'json', '-o', `sarif=${join(out, 'r.sarif')}`]);
  expect(Date.now() - t0, 'bounded time').toBeLessThan(20_000);
  expect(readdirSync(out), run.stderr).toEqual(exit === 2 ? [] : ['r.sarif']);
  return run;
}

describe('regexes and nesting that would run away: rkecis evaluate --profile', () => {
  it.each([...REGEX_CASES, ...DEEP_PROFILE_CASES].map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const dir = join(tmp.dir, `profile-${++n}`);
      mkdirSync(dir);
      const files: Record<string, FileSpec | undefined> = {
        'profile.yaml': META,
        's.yaml': SECTION,
      };
      c.profile(files);
      const s = files['s.yaml'];
      if (typeof s === 'string') files['s.yaml'] = s.replace("'REGEX'", "'\\S'");
      for (const [name, spec] of Object.entries(files))
        if (typeof spec === 'string') writeFileSync(join(dir, name), spec);
      const evidence = join(tmp.dir, `evidence-${n}.json`);
      writeFileSync(evidence, c.evidence?.(HARDENED) ?? HARDENED);
      const run = await evaluateInto(['evaluate', evidence, '--profile', dir], c.expect.exit);
      expectOutcome(run, c.expect, c.name);
    },
    60_000,
  );
});

describe('waivers nested too deep: rkecis evaluate --waivers', () => {
  it.each(DEEP_WAIVERS.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const dir = mkdtempSync(join(tmp.dir, 'waivers-'));
      writeFileSync(join(dir, 'deep.yaml'), c.text);
      const run = await evaluateInto(
        ['evaluate', 'examples/hardened-node.json', '--waivers', join(dir, 'deep.yaml')],
        2,
      );
      expectOutcome(run, { exit: 2, message: c.message }, c.name);
    },
    60_000,
  );
});

describe('cluster.yml nested too deep: rkecis plan and rkecis cluster --config', () => {
  it.each(DEEP_CLUSTER_YML.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const dir = mkdtempSync(join(tmp.dir, 'cluster-'));
      const file = join(dir, 'cluster.yml');
      writeFileSync(file, c.text);
      const message = /cluster\.yml:\d+:\d+: nested deeper than 100 levels of maps and lists/;
      expectOutcome(await runMain(['plan', file, '--format', 'json']), { exit: 2, message });
      mkdirSync(join(dir, 'bundles'));
      writeFileSync(join(dir, 'bundles', 'n.json'), HARDENED);
      const cluster = await runMain([
        'cluster',
        '--config',
        file,
        '--bundles',
        join(dir, 'bundles'),
        '--format',
        'json',
      ]);
      expectOutcome(cluster, { exit: 2, message });
    },
    60_000,
  );
});
