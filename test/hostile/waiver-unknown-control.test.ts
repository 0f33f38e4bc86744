import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOutcome, bad, runMain, tempDir } from './harness.js';

/**
 * A waiver naming a control the profile does not have (a typo, or a waiver written for another
 * benchmark): bad input, exit 2 with the file:line:column of the id, as a misspelled role is.
 * Accepted, it would only be listed as unused, and the failure it was meant for would fail the
 * run with no word of why.
 */
const tmp = tempDir('waiver-unknown-control');
afterAll(tmp.remove);

const HEAD = 'apiVersion: rkecis.io/v1\nkind: Waivers\nwaivers:\n';
let n = 0;
function waivers(body: string): string {
  const path = join(tmp.dir, `w${n++}.yaml`);
  writeFileSync(path, `${HEAD}${body}`);
  return path;
}

const unknown = waivers(
  "  - control: '1.1.21'\n    justification: mitigated\n  - control: '1.1.40'\n    justification: typo of 1.1.4\n",
);

describe('a waiver of a control the profile does not have', () => {
  it.each([
    ['evaluate', ['evaluate', 'examples/hardened-node.json']],
    ['cluster --bundles', ['cluster', '--bundles', 'examples']],
  ])('rkecis %s: exit 2 naming the waiver, nothing written', async (_name, args) => {
    const out = join(tmp.dir, `out-${_name.replace(/\W+/g, '-')}`);
    mkdirSync(out);
    const run = await runMain([
      ...args,
      '--format',
      'json',
      '--waivers',
      unknown,
      '-o',
      `html=${join(out, 'r.html')}`,
    ]);
    expectOutcome(
      run,
      bad(
        /w0\.yaml:6:14: control 1\.1\.40 is not in profile rke-cis-1\.3\.0, so this waiver could never apply/,
      ),
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('a control the profile has, for a role the node lacks, is still only listed as unused', async () => {
    const run = await runMain([
      'evaluate',
      'examples/hardened-node.json',
      '--format',
      'json',
      '--waivers',
      waivers(
        "  - control: '1.1.21'\n    justification: mitigated\n    scope: {nodes: [elsewhere]}\n",
      ),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('out of scope');
  });
});
