import { describe, expect, it } from 'vitest';
import { parseIdNames } from '../../src/collect/passwd.js';
import { redactYaml } from '../../src/collect/redact.js';

describe('redactYaml', () => {
  it.each([
    [
      'an aescbc key',
      'keys:\n  - name: key1\n    secret: c2VjcmV0LWtleQ==\n',
      'keys:\n  - name: key1\n    secret: <redacted>\n',
    ],
    [
      'kubeconfig credentials',
      'users:\n  - user:\n      token: abc\n      client-key-data: LS0t\n',
      'users:\n  - user:\n      token: <redacted>\n      client-key-data: <redacted>\n',
    ],
    ['a secret that is a map', 'secret: {a: 1}\nname: x\n', 'secret: <redacted>\nname: x\n'],
    [
      'every document',
      'password: a\n---\nkey: b\n',
      'password: <redacted>\n---\nkey: <redacted>\n',
    ],
    ['comments', '# secret: old\na: 1 # key: x\n', 'a: 1\n'],
    [
      'nothing, in a file without secrets',
      'kind: Policy\nrules:\n  - level: Metadata\n',
      'kind: Policy\nrules:\n  - level: Metadata\n',
    ],
  ])('redacts %s', (_what, text, content) => {
    expect(redactYaml(text)).toEqual({ content });
  });

  it('keeps the list of keys, only their values go', () => {
    expect(redactYaml('keys: [{name: k, secret: s}]\n')).toEqual({
      content: 'keys:\n  - name: k\n    secret: <redacted>\n',
    });
  });

  it('returns no content for text that does not parse, and quotes none of it', () => {
    const got = redactYaml('a: [\n  secret: hunter2\n');
    expect(got).toEqual({ problem: expect.any(String) as string });
    expect(JSON.stringify(got)).not.toContain('hunter2');
  });
});

describe('redactYaml on the nodes of a cluster', () => {
  it('redacts each distinct text once and gives the same answer for it again', () => {
    const text =
      'resources:\n  - providers:\n      - aescbc:\n          keys: [{name: k, secret: s3}]\n';
    const first = redactYaml(text);
    expect(first).toHaveProperty('content');
    expect(JSON.stringify(first)).not.toContain('s3');
    expect(JSON.stringify(first)).toContain('<redacted>');
    // The same object: kept, not parsed again.
    expect(redactYaml([text].join(''))).toBe(first);
    // A text that differs by a byte is its own.
    const other = redactYaml(text.replace('s3', 's4'));
    expect(other).not.toBe(first);
    expect(JSON.stringify(other)).not.toContain('s4');
    const broken = 'a: [\n  secret: hunter2\n';
    expect(redactYaml(broken)).toBe(redactYaml(broken));
    expect(redactYaml(broken)).toHaveProperty('problem');
  });
});

describe('parseIdNames', () => {
  it('maps ids to names, skipping what does not parse; the first line for an id wins', () => {
    const text = [
      'root:x:0:0::/:/bin/sh',
      'junk',
      'x::notanid:',
      '+nis',
      ':x:9:',
      'etcd:x:52034:',
      'dup:x:52034:',
      'big:x:99999999999:',
    ].join('\n');
    expect([...parseIdNames(text)]).toEqual([
      [0, 'root'],
      [52034, 'etcd'],
    ]);
  });
});
