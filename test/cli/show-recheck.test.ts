import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../hostile/harness.js';

/**
 * `show --recheck` answers the recheck: exit 0 when every stored verdict still follows from the
 * stored evidence, 1 when one does not, whatever the verdicts themselves are (a scan with known
 * failures rechecks clean). Without --recheck, show exits with the scan's own verdict.
 */
const tmp = tempDir('show-recheck');
afterAll(tmp.remove);
const store = join(tmp.dir, 'history.db');

async function saved(): Promise<string> {
  const run = await runMain(['evaluate', 'examples/hardened-node.json', '--store', store]);
  expect(run.code).toBe(1); // the guide's hardened node has its known failures
  const id = /saved scan (\w+)/.exec(run.stderr)?.[1];
  expect(id).toBeDefined();
  return id ?? '';
}

describe('show --recheck exit code', () => {
  it('0 after a clean recheck of a failing scan; 1 without --recheck', async () => {
    const id = await saved();
    const plain = await runMain(['show', id, '--store', store]);
    expect(plain.code).toBe(1);
    const clean = await runMain(['show', id, '--store', store, '--recheck']);
    expect(clean.stderr).toMatch(
      /recheck: all \d+ verdicts of scan \w+ follow from its stored evidence/,
    );
    expect(clean.code).toBe(0);
  });

  it('1 when a stored verdict no longer follows from the evidence', async () => {
    const id = await saved();
    // A profile in which 1.1.1 asks for another value: the stored pass no longer follows.
    const profile = join(tmp.dir, 'changed-profile');
    cpSync('profiles/rke-cis-1.3.0', profile, { recursive: true });
    const section = join(profile, '1.1-api-server.yaml');
    const text = readFileSync(section, 'utf8');
    const changed = text.replace(
      "        - flag: --anonymous-auth\n          op: eq\n          value: 'false'",
      "        - flag: --anonymous-auth\n          op: eq\n          value: 'no'",
    );
    expect(changed).not.toBe(text);
    writeFileSync(section, changed);
    const run = await runMain(['show', id, '--store', store, '--recheck', '--profile', profile]);
    expect(run.stderr).toMatch(/1\.1\.1 .*: stored pass, from the evidence now fail/);
    expect(run.code).toBe(1);
  });
});
