import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDocker } from '../fakes/docker.js';
import { plantRoot } from '../integration/plant-node.js';
import { HARDENED, hardenedRoutes } from './hardened-node.js';
import { errors, expectOutcome, runMain, tempDir } from './harness.js';
import { META } from './profiles.cases.js';
import { INSPECT_FIELD_CASES, TYPE_CONFUSION_CASES } from './type-confusion.cases.js';

const tmp = tempDir('type-confusion');
let root = '';
beforeAll(() => {
  root = plantRoot(HARDENED);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  tmp.remove();
});
let n = 0;

describe('values of the wrong type in a bundle: rkecis evaluate', () => {
  it.each(TYPE_CONFUSION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    if (!('text' in c.input)) throw new Error('text cases only');
    const path = join(tmp.dir, `case-${++n}.json`);
    writeFileSync(path, c.input.text());
    const rep = expectOutcome(
      await runMain(['evaluate', path, '--format', 'json']),
      c.expect,
      c.name,
    );
    // The reason names what was found and what the comparison wanted.
    for (const id of Object.keys(c.expect.exit === 2 ? {} : c.expect.controls)) {
      expect(rep?.results.find((r) => r.id === id)?.reason, id).toMatch(
        / is (a|an) (object|list|string|number|boolean) .*, where .* is compared/,
      );
    }
  });
});

describe('a Docker inspect answer whose fields are of the wrong type: rkecis scan', () => {
  it.each(INSPECT_FIELD_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const docker = await fakeDocker({ ...hardenedRoutes(), ...c.routes });
    try {
      const run = await runMain([
        'scan',
        '--docker-host',
        docker.url,
        '--root',
        root,
        '--format',
        'json',
        '--timeout',
        '5',
      ]);
      const rep = expectOutcome(run, { exit: 1, controls: errors('1.1.1', '1.1.2', '1.1.8') });
      expect(rep?.results.find((r) => r.id === '1.1.1')?.reason).toMatch(c.why);
      // Other containers are read as ever.
      expect(rep?.results.find((r) => r.id === '2.1.2')?.status).toBe('pass');
    } finally {
      await docker.close();
    }
  });
});

describe('file-content: set: false where the path selects nothing', () => {
  const dir = mkdtempSync(join(tmp.dir, 'profile-'));
  writeFileSync(join(dir, 'profile.yaml'), META);
  writeFileSync(
    join(dir, 's.yaml'),
    `section: '1.1'
title: API Server
controls:
  - id: 1.1.1
    title: no identity provider anywhere
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: file-content
      path: /etc/kubernetes/encryption.yaml
      format: yaml
      select: resources.*.providers.*.identity
      test: { set: false }
    remediation: none
  - id: 1.1.2
    title: a key that is not there at all is set
    scored: true
    role: controlplane
    guide: { result: Pass }
    check:
      kind: file-content
      path: /etc/kubernetes/encryption.yaml
      format: yaml
      select: nowhere.to.be.found
      test: { set: true }
    remediation: none
`,
  );
  const withEncryption = (content: string): string => {
    const e = JSON.parse(JSON.stringify(HARDENED)) as {
      files: Record<string, { content?: string }>;
    };
    (e.files['/etc/kubernetes/encryption.yaml'] as { content?: string }).content = content;
    const path = join(tmp.dir, `enc-${++n}.json`);
    writeFileSync(path, JSON.stringify(e));
    return path;
  };
  it('passes when nothing is there (absent is not set), fails when it is', async () => {
    const without = withEncryption(
      'resources:\n  - resources: [secrets]\n    providers: [{aescbc: {keys: []}}]\n',
    );
    const a = await runMain(['evaluate', without, '--profile', dir, '--format', 'json']);
    const rep = expectOutcome(a, { exit: 1, controls: { '1.1.1': 'pass', '1.1.2': 'fail' } });
    expect(rep?.results[0]?.actual).toBe(
      'resources.*.providers.*.identity not set in /etc/kubernetes/encryption.yaml',
    );
    const withIdentity = withEncryption(
      'resources:\n  - resources: [secrets]\n    providers: [{aescbc: {keys: []}}, {identity: {}}]\n',
    );
    const b = await runMain(['evaluate', withIdentity, '--profile', dir, '--format', 'json']);
    expectOutcome(b, { exit: 1, controls: { '1.1.1': 'fail', '1.1.2': 'fail' } });
  });
});
