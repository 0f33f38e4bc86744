import { describe, expect, it } from 'vitest';
import { checkTester } from '../../helpers/check-tester.js';
import { file, makeEvidence } from '../../helpers/evidence.js';
import { partsOf } from './parts.js';

const files = (f: NonNullable<Parameters<typeof makeEvidence>[0]>['files']) =>
  makeEvidence({ files: f });

checkTester(
  'file-mode: self',
  { kind: 'file-mode', paths: ['/etc/kubernetes/ssl/kube-ca.pem'], max: '644' },
  {
    valid: [
      {
        name: '644',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('644') }),
        actual: '644',
      },
      { name: '600', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('600') }) },
      { name: '400', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('400') }) },
    ],
    invalid: [
      {
        name: '664',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('664') }),
        actual: '664',
      },
      { name: '755', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('755') }) },
      { name: 'setuid', evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': file('4644') }) },
      {
        name: 'missing file',
        evidence: files({ '/etc/kubernetes/ssl/kube-ca.pem': { status: 'absent' } }),
        status: 'error',
        actual: '/etc/kubernetes/ssl/kube-ca.pem does not exist',
      },
      { name: 'not collected', evidence: files({}), status: 'error', actual: 'was not collected' },
      {
        name: 'unreadable',
        evidence: files({
          '/etc/kubernetes/ssl/kube-ca.pem': { status: 'error', reason: 'EACCES' },
        }),
        status: 'error',
        actual: 'EACCES',
      },
    ],
  },
);

const dir = (entries: Record<string, ReturnType<typeof file>> | undefined) =>
  files({
    '/etc/cni/net.d': {
      ...file('755'),
      type: 'directory',
      ...(entries ? { entries } : {}),
    } as ReturnType<typeof file>,
  });
checkTester(
  'file-mode: entries',
  { kind: 'file-mode', paths: ['/etc/cni/net.d'], target: 'entries', max: '644' },
  {
    valid: [
      {
        name: 'all 644 or stricter',
        evidence: dir({ '10-calico.conflist': file('644'), 'calico-kubeconfig': file('600') }),
        actual: 'all 2 entries',
      },
    ],
    invalid: [
      {
        name: 'empty directory: nothing proven',
        evidence: dir({}),
        status: 'error',
        found: { id: 'no-match' },
        actual: '/etc/cni/net.d: entries: no file matches',
      },
      {
        name: 'one 666',
        evidence: dir({ a: file('644'), b: file('666') }),
        actual: '/etc/cni/net.d/b: 666',
      },
      { name: 'entries not collected', evidence: dir(undefined), status: 'error' },
      {
        name: 'a file, not a directory',
        evidence: files({ '/etc/cni/net.d': file('644') }),
        status: 'error',
        actual: 'not a directory',
      },
    ],
  },
);

describe('file-mode: its parts', () => {
  const self = partsOf({ kind: 'file-mode', paths: ['/a', '/b'], max: '644' });
  const entries = partsOf({
    kind: 'file-mode',
    paths: ['/etc/cni/net.d'],
    target: 'entries',
    max: '644',
  });

  it('finds each file with its mode, or the offending entries, as data', () => {
    const v = self.run(files({ '/a': file('644'), '/b': file('666') }));
    expect(v.found).toEqual({
      id: 'file-values',
      data: {
        files: [
          { path: '/a', value: '644' },
          { path: '/b', value: '666' },
        ],
      },
    });
    expect(v.actual).toBe('/a: 644, /b: 666');
    expect(entries.run(dir({ x: file('600'), y: file('644') })).found).toEqual({
      id: 'entries-values',
      data: { count: 2, values: ['600', '644'] },
    });
    expect(self.run(files({ '/a': { status: 'absent' } })).found).toEqual({
      id: 'file-absent',
      data: { path: '/a' },
    });
  });

  it('needs the files (or their entries), and the deployed node in a plan', () => {
    expect(self.requires().files).toEqual([
      { path: '/a', entries: false, content: false },
      { path: '/b', entries: false, content: false },
    ]);
    expect(entries.requires().files).toEqual([
      { path: '/etc/cni/net.d', entries: true, content: false },
    ]);
    expect(entries.plan()).toEqual({
      what: 'files',
      paths: ['/etc/cni/net.d'],
      entries: true,
      want: 'mode 644 or more restrictive',
    });
  });

  it('is fixed by the mode on the paths; nothing where nothing was judged', () => {
    expect(entries.fix('fail')).toEqual({
      to: 'file-mode',
      paths: ['/etc/cni/net.d'],
      entries: true,
      max: '644',
    });
    expect(self.fix('error', { id: 'file-absent', data: { path: '/a' } })).toBeUndefined();
  });
});
