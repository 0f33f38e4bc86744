import { describe, expect, it } from 'vitest';
import { checkTester } from '../../helpers/check-tester.js';
import { file, makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const files = (f: NonNullable<Parameters<typeof makeEvidence>[0]>['files']) =>
  makeEvidence({ files: f });

const enc = (content: string) =>
  files({ '/etc/kubernetes/encryption.yaml': file('600', 'root', 'root', { content }) });
const encCheck = {
  kind: 'file-content',
  path: '/etc/kubernetes/encryption.yaml',
  format: 'yaml',
  select: 'resources.*.providers.0',
  test: { op: 'has_item', value: 'aescbc' },
};
checkTester('file-content: first encryption provider', encCheck, {
  valid: [
    {
      name: 'aescbc first',
      evidence: enc(
        'kind: EncryptionConfig\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{name: key1, secret: <redacted>}]\n  - identity: {}\n',
      ),
      actual: 'aescbc',
    },
  ],
  invalid: [
    {
      name: 'identity first (aescbc listed but inactive)',
      evidence: enc('resources:\n- providers:\n  - identity: {}\n  - aescbc: {}\n'),
      actual: 'identity',
    },
    {
      name: 'one resource without aescbc',
      evidence: enc('resources:\n- providers: [{aescbc: {}}]\n- providers: [{identity: {}}]\n'),
    },
    {
      name: 'no providers at all',
      evidence: enc('kind: EncryptionConfig\n'),
      actual: 'nothing at',
    },
    {
      name: 'not YAML',
      evidence: enc('resources: [\n'),
      status: 'error',
      actual: 'not valid YAML',
    },
    {
      name: 'content not collected',
      evidence: files({ '/etc/kubernetes/encryption.yaml': file('600') }),
      status: 'error',
    },
    {
      name: 'missing file',
      evidence: files({ '/etc/kubernetes/encryption.yaml': { status: 'absent' } }),
      status: 'error',
    },
  ],
});

describe('file-content: its parts', () => {
  const parts = partsOf(encCheck);

  it('finds the selected values, as data', () => {
    expect(parts.run(enc('resources:\n- providers: [{identity: {}}]\n')).found).toEqual({
      id: 'content-values',
      data: {
        path: '/etc/kubernetes/encryption.yaml',
        select: 'resources.*.providers.0',
        values: ['identity'],
      },
    });
  });

  it('needs the file with its content, and the deployed node in a plan', () => {
    expect(parts.requires().files).toEqual([
      { path: '/etc/kubernetes/encryption.yaml', entries: false, content: true },
    ]);
    expect(parts.plan()).toEqual({
      what: 'file-content',
      path: '/etc/kubernetes/encryption.yaml',
      want: 'resources.*.providers.0 including the item aescbc',
    });
  });

  it('is fixed by the content, also when the file does not exist; not when it could not be read', () => {
    const intent = {
      to: 'file-content',
      path: '/etc/kubernetes/encryption.yaml',
      select: 'resources.*.providers.0',
      test: { op: 'has_item', value: 'aescbc' },
    };
    expect(parts.fix('fail')).toEqual(intent);
    const absent = parts.run(files({ '/etc/kubernetes/encryption.yaml': { status: 'absent' } }));
    expect(absent).toMatchObject({ status: 'error', found: { id: 'file-absent' } });
    expect(parts.fix('error', absent.found)).toEqual(intent);
    const unreadable = parts.run(
      files({ '/etc/kubernetes/encryption.yaml': { status: 'error', reason: 'EACCES' } }),
    );
    expect(parts.fix('error', unreadable.found)).toBeUndefined();
  });
});
