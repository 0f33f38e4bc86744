import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../hostile/harness.js';

/**
 * `rkecis history`: each scan's verdict (compliant, and the failures waivers covered) beside its
 * counts; a --cluster or --node that matches nothing says so rather than "no scans saved"; and
 * `prune --keep 0`, which empties the history, asks for --all.
 */
const tmp = tempDir('history');
afterAll(tmp.remove);
let n = 0;
const freshStore = (): string => join(tmp.dir, `h${n++}.db`);

async function save(store: string, ...extra: string[]): Promise<void> {
  const r = await runMain(['evaluate', 'examples/hardened-node.json', '--store', store, ...extra]);
  expect(r.stderr).toMatch(/saved scan/);
}

describe('rkecis history', () => {
  it('lists whether each scan was compliant and how many results waivers covered', async () => {
    const store = freshStore();
    await save(store);
    await save(store, '--waivers', 'examples/waivers-rancher-known-failures.yaml');
    const r = await runMain(['history', '--store', store]);
    expect(r.code).toBe(0);
    const [head, plain, waived] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/\bMANUAL\s+WAIVED\s+SCORED PASS RATE\s+COMPLIANT$/);
    // The guide's hardened node fails its eight known controls (1.5.7 is not scored).
    expect(plain).toMatch(/\s0\s+\d+\.\d%\s+no$/);
    expect(waived).toMatch(/\s8\s+\d+\.\d%\s+yes$/);
    const json = JSON.parse(
      (await runMain(['history', '--store', store, '-f', 'json'])).stdout,
    ) as {
      compliant: boolean;
      waived: number;
    }[];
    expect(json.map((s) => [s.compliant, s.waived])).toEqual([
      [false, 0],
      [true, 8],
    ]);
  });

  it('--cluster or --node that matches nothing says so', async () => {
    const store = freshStore();
    await save(store);
    const c = await runMain(['history', '--store', store, '--cluster', 'prod']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(
      `no scans of cluster prod in ${store} (cluster names are as rkecis cluster --save gave them: --cluster-name, else cluster_name of cluster.yml, else the file or folder name)\n`,
    );
    const node = await runMain(['history', '--store', store, '--node', 'nope']);
    expect(node.stdout).toMatch(/^no scans of node nope in /);
    const json = await runMain(['history', '--store', store, '--cluster', 'prod', '-f', 'json']);
    expect(json.stdout).toBe('[]\n');
    expect(json.stderr).toMatch(/^rkecis: no scans of cluster prod in /);
  });

  it('prune --keep 0 asks for --all, and deletes every scan with it', async () => {
    const store = freshStore();
    await save(store);
    await save(store);
    const refused = await runMain(['history', 'prune', '--keep', '0', '--store', store]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'rkecis: --keep 0 deletes every scan in the store; give --all too if that is what you mean\n',
    );
    expect(
      JSON.parse((await runMain(['history', '--store', store, '-f', 'json'])).stdout),
    ).toHaveLength(2);
    const scoped = await runMain([
      'history',
      'prune',
      '--keep',
      '0',
      '--node',
      'rke-hardened-1',
      '--store',
      store,
    ]);
    expect(scoped.stderr).toMatch(/--keep 0 deletes every scan of rke-hardened-1; give --all too/);
    const mixed = await runMain(['history', 'prune', '--keep', '1', '--all', '--store', store]);
    expect(mixed.code).toBe(2);
    const all = await runMain(['history', 'prune', '--keep', '0', '--all', '--store', store]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`pruned 2 scans from ${store}, kept none (--all)\n`);
    expect((await runMain(['history', '--store', store])).stdout).toBe(
      `no scans saved in ${store}\n`,
    );
  });
});
