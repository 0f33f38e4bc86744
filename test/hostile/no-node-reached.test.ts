import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noNodeScanned } from '../../src/cli/cluster-run.js';
import { bad, expectOutcome, runMain, tempDir } from './harness.js';

/**
 * `rkecis cluster` with not one node scanned (all unreachable, every bundle unreadable): nothing
 * can be judged, so no report of every control in error; one message with each node's reason,
 * exit 2, nothing written. (Over SSH: test/cluster/cli.test.ts, "nodes that cannot be reached".)
 */
const tmp = tempDir('no-node-reached');
afterAll(tmp.remove);

describe('cluster: no node could be scanned', () => {
  it('every bundle unreadable: exit 2 naming each and why, nothing written', async () => {
    const dir = join(tmp.dir, 'bundles');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), '{"apiVersion": "rkecis.io/v1", "kind": "NodeEvi');
    writeFileSync(join(dir, 'b.json'), '[]');
    const out = join(tmp.dir, 'out');
    mkdirSync(out);
    const run = await runMain([
      'cluster',
      '--bundles',
      dir,
      '--output',
      join(out, 'r.txt'),
      '-o',
      `html=${join(out, 'r.html')}`,
    ]);
    expectOutcome(
      run,
      bad(
        /^rkecis: no node of --bundles .*bundles could be scanned, so nothing was judged and no report written\. a: not valid JSON[^\n]*\. b: /,
      ),
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('a thousand nodes behind one reason make one short part', () => {
    const missed = Array.from({ length: 1000 }, (_, i) => ({
      name: `n${String(i).padStart(4, '0')}`,
      roles: [],
      reason: 'connection timed out',
    }));
    missed.push({ name: 'cp1', roles: [], reason: 'authentication failed' });
    expect(noNodeScanned(missed, 'cluster.yml').message).toBe(
      'no node of cluster.yml could be scanned, so nothing was judged and no report written. n0000, n0001, n0002, n0003, n0004, n0005, n0006, n0007, n0008, n0009 and 990 more: connection timed out. cp1: authentication failed',
    );
  });
});
