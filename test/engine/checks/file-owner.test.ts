import { describe, expect, it } from 'vitest';
import { checkTester } from '../../helpers/check-tester.js';
import { file, makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const files = (f: NonNullable<Parameters<typeof makeEvidence>[0]>['files']) =>
  makeEvidence({ files: f });

checkTester(
  'file-owner',
  { kind: 'file-owner', paths: ['/var/lib/etcd'], owner: 'etcd:etcd' },
  {
    valid: [
      {
        name: 'etcd:etcd',
        evidence: files({ '/var/lib/etcd': file('700', 'etcd', 'etcd') }),
        actual: 'etcd:etcd',
      },
    ],
    invalid: [
      { name: 'root:root', evidence: files({ '/var/lib/etcd': file('700') }), actual: 'root:root' },
      {
        name: 'unknown uid shown as a number',
        evidence: files({ '/var/lib/etcd': file('700', '52034', '52034') }),
        actual: '52034:52034',
      },
      {
        name: 'missing',
        evidence: files({ '/var/lib/etcd': { status: 'absent' } }),
        status: 'error',
      },
    ],
  },
);

describe('file-owner: its parts', () => {
  const parts = partsOf({ kind: 'file-owner', paths: ['/var/lib/etcd'], owner: 'etcd:etcd' });

  it('finds the owner, as data', () => {
    expect(parts.run(files({ '/var/lib/etcd': file('700') })).found).toEqual({
      id: 'file-value',
      data: { path: '/var/lib/etcd', value: 'root:root' },
    });
  });

  it('needs the path, and the deployed node in a plan', () => {
    expect(parts.requires().files).toEqual([
      { path: '/var/lib/etcd', entries: false, content: false },
    ]);
    expect(parts.plan()).toEqual({
      what: 'files',
      paths: ['/var/lib/etcd'],
      entries: false,
      want: 'owned by etcd:etcd',
    });
  });

  it('is fixed by the owner on the paths', () => {
    expect(parts.fix('fail')).toEqual({
      to: 'file-owner',
      paths: ['/var/lib/etcd'],
      entries: false,
      user: 'etcd',
      group: 'etcd',
    });
    expect(parts.fix('error')).toBeUndefined();
  });
});
