import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyEdit, editYaml, type YamlEdit } from '../../src/rke/remediate/yaml-edit.js';
import { dig, isLineSubsequence } from './helpers.js';

const SRC = `# top comment
nodes:
- address: 10.0.0.1   # the only node
  role: [controlplane, etcd, worker]

services:
  # kube-api settings
  kube-api:
    extra_args:
      profiling: 'true'   # keep me? no
      v: 2
    # trailing comment inside kube-api
  kubelet:
    extra_args: {fail-swap-on: "false"}
  scheduler:
    extra_args:
  etcd: ~

# last comment
ingress:
  provider: nginx
`;

describe('editYaml keeps every byte it does not change', () => {
  it('replaces an existing value in place, keeping the comment on its line', () => {
    const out = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'kube-api', 'extra_args', 'profiling'],
      value: 'false',
    });
    expect(out).toBe(
      SRC.replace(`profiling: 'true'   # keep me? no`, `profiling: "false"   # keep me? no`),
    );
  });

  it('adds a key after the last one of a block map, at its indentation', () => {
    const out = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'kube-api', 'extra_args', 'anonymous-auth'],
      value: 'false',
    });
    expect(out).toBe(SRC.replace('      v: 2\n', '      v: 2\n      anonymous-auth: "false"\n'));
  });

  it('adds a nested map where a key is missing', () => {
    const out = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'kube-controller', 'extra_args', 'profiling'],
      value: 'false',
    });
    expect(isLineSubsequence(SRC, out)).toBe(true);
    expect(out).toContain(
      '  etcd: ~\n  kube-controller:\n    extra_args:\n      profiling: "false"\n',
    );
  });

  it('fills a key whose value is null, with or without ~', () => {
    const a = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'scheduler', 'extra_args', 'address'],
      value: '127.0.0.1',
    });
    expect(a).toContain('  scheduler:\n    extra_args:\n      address: "127.0.0.1"\n  etcd: ~\n');
    const b = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'etcd', 'extra_args', 'auto-tls'],
      value: 'false',
    });
    expect(b).toContain('  etcd:\n    extra_args:\n      auto-tls: "false"\n\n# last comment');
  });

  it('rewrites only the span of a flow map', () => {
    const out = applyEdit(SRC, {
      op: 'set',
      path: ['services', 'kubelet', 'extra_args', 'event-qps'],
      value: '0',
    });
    expect(out).toBe(
      SRC.replace('{fail-swap-on: "false"}', '{ fail-swap-on: "false", event-qps: "0" }'),
    );
  });

  it('appends to a list, or creates it', () => {
    const created = applyEdit(SRC, {
      op: 'append',
      path: ['services', 'kube-api', 'extra_binds'],
      value: '/var/log/kube-audit:/var/log/kube-audit',
    });
    expect(dig(parse(created), 'services', 'kube-api', 'extra_binds')).toEqual([
      '/var/log/kube-audit:/var/log/kube-audit',
    ]);
    const again = applyEdit(created, {
      op: 'append',
      path: ['services', 'kube-api', 'extra_binds'],
      value: '/a:/a',
    });
    expect(dig(parse(again), 'services', 'kube-api', 'extra_binds')).toEqual([
      '/var/log/kube-audit:/var/log/kube-audit',
      '/a:/a',
    ]);
    expect(isLineSubsequence(created, again)).toBe(true);
  });

  it('deletes a key and only its line', () => {
    const out = applyEdit(SRC, { op: 'delete', path: ['services', 'kube-api', 'extra_args', 'v'] });
    expect(out).toBe(SRC.replace('      v: 2\n', ''));
  });

  it('adds a top-level key when services is missing', () => {
    const src = 'nodes:\n  - address: a\n    role: [worker]\n# end\n';
    const out = applyEdit(src, {
      op: 'set',
      path: ['services', 'kube-api', 'pod_security_policy'],
      value: true,
    });
    expect(out).toBe(
      'nodes:\n  - address: a\n    role: [worker]\nservices:\n  kube-api:\n    pod_security_policy: true\n# end\n',
    );
  });

  it('keeps CRLF line ends', () => {
    const src =
      'nodes:\r\n  - address: a\r\n    role: [worker]\r\nservices:\r\n  kubelet:\r\n    extra_args:\r\n      v: "2"\r\n';
    const out = editYaml(src, [
      { op: 'set', path: ['services', 'kubelet', 'extra_args', 'event-qps'], value: '0' },
    ]);
    expect(out.exact).toBe(true);
    expect(out.text).toBe(`${src}      event-qps: "0"\r\n`);
    expect(out.text).toContain('      v: "2"\r\n      event-qps: "0"');
  });

  it('checks the result against the same edits on the data', () => {
    const edits: YamlEdit[] = [
      { op: 'set', path: ['services', 'kube-api', 'extra_args', 'profiling'], value: 'false' },
      { op: 'set', path: ['services', 'kube-api', 'pod_security_policy'], value: true },
      { op: 'append', path: ['services', 'kube-api', 'extra_binds'], value: '/x:/x' },
      {
        op: 'set',
        path: ['services', 'kubelet', 'extra_args', 'protect-kernel-defaults'],
        value: 'true',
      },
      { op: 'delete', path: ['services', 'kube-api', 'extra_args', 'v'] },
    ];
    const out = editYaml(SRC, edits);
    expect(out.exact).toBe(true);
    const data: unknown = parse(out.text);
    expect(dig(data, 'services', 'kube-api')).toEqual({
      extra_args: { profiling: 'false' },
      pod_security_policy: true,
      extra_binds: ['/x:/x'],
    });
    expect(dig(data, 'services', 'kubelet', 'extra_args')).toEqual({
      'fail-swap-on': 'false',
      'protect-kernel-defaults': 'true',
    });
    for (const kept of [
      '# top comment',
      '- address: 10.0.0.1   # the only node',
      '  # kube-api settings',
      '    # trailing comment inside kube-api',
      '# last comment',
      '  provider: nginx',
    ]) {
      expect(out.text).toContain(kept);
    }
  });
});
