import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  hostEntryName,
  hostsMatch,
  judgeHostKey,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../src/collect/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'rkecis-kh-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A real host key made by ssh-keygen: [type, base64 blob]. */
function hostKey(name: string, type = 'ed25519'): [string, string] {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', f]);
  const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(' ');
  return [t ?? '', b64 ?? ''];
}

const [edType, edKey] = hostKey('a');
const [, otherKey] = hostKey('b');
const [rsaType, rsaKey] = hostKey('c', 'rsa');
const blob = (b64: string): Buffer => Buffer.from(b64, 'base64');

describe('known_hosts', () => {
  it('names hosts as OpenSSH does: bare on port 22, [host]:port otherwise', () => {
    expect(hostEntryName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(hostEntryName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('accepts the listed key, refuses a different one as changed, and an unlisted host as unknown', () => {
    const known = parseKnownHosts(`# nodes\n[10.0.0.1]:2222 ${edType} ${edKey} node-1\n`, 'kh');
    expect(judgeHostKey(known, '10.0.0.1', 2222, blob(edKey))).toEqual({ ok: true });
    const changed = judgeHostKey(known, '10.0.0.1', 2222, blob(otherKey));
    expect(changed.ok).toBe(false);
    expect(!changed.ok && changed.reason).toContain(
      `[10.0.0.1]:2222 presented ssh-ed25519 ${fingerprint(blob(otherKey))}, but kh lists a different key (line 2)`,
    );
    const unknown = judgeHostKey(known, '10.0.0.1', 22, blob(edKey));
    expect(!unknown.ok && unknown.reason).toMatch(
      /10\.0\.0\.1 is not in kh .*ssh-keyscan 10\.0\.0\.1.*--insecure-ignore-host-key/,
    );
  });

  it('matches hashed entries as ssh-keygen -H writes them', () => {
    const file = join(dir, 'hashed');
    execFileSync('sh', [
      '-c',
      `printf '%s\\n' "[node-7]:2200 ${edType} ${edKey}" > "${file}" && ssh-keygen -H -f "${file}" >/dev/null 2>&1`,
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    const known = parseKnownHosts(text, file);
    expect(judgeHostKey(known, 'node-7', 2200, blob(edKey))).toEqual({ ok: true });
    expect(judgeHostKey(known, 'node-8', 2200, blob(edKey)).ok).toBe(false);
  });

  it('supports wildcards, negation and several names per line', () => {
    expect(hostsMatch(['*.example.com', '!bad.example.com'], 'node.example.com')).toBe(true);
    expect(hostsMatch(['*.example.com', '!bad.example.com'], 'bad.example.com')).toBe(false);
    expect(hostsMatch(['10.0.0.?', 'x'], '10.0.0.7')).toBe(true);
    expect(hostsMatch(['10.0.0.?'], '10.0.0.17')).toBe(false);
    expect(hostsMatch(['Node-1'], 'node-1')).toBe(true);
  });

  it('refuses a @revoked key even when another line lists it', () => {
    const known = parseKnownHosts(`@revoked * ${edType} ${edKey}\nn1 ${edType} ${edKey}\n`, 'kh');
    const v = judgeHostKey(known, 'n1', 22, blob(edKey));
    expect(!v.ok && v.reason).toContain('marked @revoked in kh:1');
  });

  it('skips @cert-authority lines and garbage', () => {
    const known = parseKnownHosts(
      `@cert-authority * ${edType} ${edKey}\nnot a line\nn1 ${rsaType} !!!\n`,
      'kh',
    );
    expect(known.entries.filter((e) => !e.ca)).toHaveLength(0);
    expect(judgeHostKey(known, 'n1', 22, blob(edKey)).ok).toBe(false);
  });

  it("offers the known keys' algorithms first, as OpenSSH does", () => {
    const known = parseKnownHosts(`n1 ${rsaType} ${rsaKey}\nn1 ${edType} ${edKey}\n`, 'kh');
    expect(preferredHostKeyAlgorithms(known, 'n1', 22)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
    expect(preferredHostKeyAlgorithms(known, 'n2', 22)).toEqual([]);
  });

  it('prints fingerprints as ssh-keygen -l does', () => {
    const printed = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')], {
      encoding: 'utf8',
    });
    expect(printed).toContain(fingerprint(blob(edKey)));
  });
});
