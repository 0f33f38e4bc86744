import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  hostEntryName,
  hostsMatch,
  judgeHostKey,
  keysFor,
  lookUpHost,
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
    expect(judgeHostKey(known, lookUpHost(known, '10.0.0.1', 2222), blob(edKey))).toEqual({
      ok: true,
    });
    const changed = judgeHostKey(known, lookUpHost(known, '10.0.0.1', 2222), blob(otherKey));
    expect(changed.ok).toBe(false);
    expect(!changed.ok && changed.reason).toContain(
      `[10.0.0.1]:2222 presented ssh-ed25519 ${fingerprint(blob(otherKey))}, but kh lists a different key (line 2)`,
    );
    const unknown = judgeHostKey(known, lookUpHost(known, '10.0.0.1', 22), blob(edKey));
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
    expect(judgeHostKey(known, lookUpHost(known, 'node-7', 2200), blob(edKey))).toEqual({
      ok: true,
    });
    expect(judgeHostKey(known, lookUpHost(known, 'node-8', 2200), blob(edKey)).ok).toBe(false);
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
    const v = judgeHostKey(known, lookUpHost(known, 'n1', 22), blob(edKey));
    expect(!v.ok && v.reason).toContain('marked @revoked in kh:1');
  });

  it('skips @cert-authority lines and garbage', () => {
    const known = parseKnownHosts(
      `@cert-authority * ${edType} ${edKey}\nnot a line\nn1 ${rsaType} !!!\n`,
      'kh',
    );
    expect(known.entries.filter((e) => !e.ca)).toHaveLength(0);
    expect(judgeHostKey(known, lookUpHost(known, 'n1', 22), blob(edKey)).ok).toBe(false);
  });

  it("offers the known keys' algorithms first, as OpenSSH does", () => {
    const known = parseKnownHosts(`n1 ${rsaType} ${rsaKey}\nn1 ${edType} ${edKey}\n`, 'kh');
    expect(preferredHostKeyAlgorithms(lookUpHost(known, 'n1', 22))).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
    expect(preferredHostKeyAlgorithms(lookUpHost(known, 'n2', 22))).toEqual([]);
  });

  it('prints fingerprints as ssh-keygen -l does', () => {
    const printed = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')], {
      encoding: 'utf8',
    });
    expect(printed).toContain(fingerprint(blob(edKey)));
  });

  it('looks a host up in the index as a scan of every line would, whatever the patterns', () => {
    const keys = [edKey, otherKey, rsaKey];
    const hosts = ['n1', 'N1', 'node-1', 'node-12', '10.0.0.1', 'a.example.com', 'bad.example.com'];
    const names = hosts.flatMap((h) => [h, `[${h}]:2222`]);
    const hashed = (name: string): string => {
      const salt = randomBytes(20);
      return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
    };
    const pattern = fc.oneof(
      fc.constantFrom(...names),
      fc.constantFrom('n*', '*', 'node-?', '*.example.com', '[10.0.0.1]:*', 'N?', '[n1]:22??'),
      fc.constantFrom(...names, '*.example.com', 'node-*').map((p) => `!${p}`),
      fc.constantFrom(...names).map(hashed),
    );
    const line = fc.record({
      marker: fc.constantFrom('', '', '', '@revoked ', '@cert-authority '),
      patterns: fc.array(pattern, { minLength: 1, maxLength: 3 }),
      key: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines
          .map((l) => {
            const k = keys[l.key] ?? '';
            return `${l.marker}${l.patterns.join(',')} ${l.key === 2 ? rsaType : edType} ${k}`;
          })
          .join('\n');
        const known = parseKnownHosts(text, 'kh');
        for (const name of names) {
          expect(keysFor(known, name).map((k) => k.line)).toEqual(
            known.entries
              .filter((e) => !e.ca && scanMatch(e.patterns, name))
              .map((e) => e.key.line),
          );
        }
        for (const host of hosts)
          for (const port of [22, 2222]) {
            const listed = lookUpHost(known, host, port);
            for (const k of keys) {
              const v = judgeHostKey(known, listed, blob(k));
              const revoked = known.entries.some(
                (e) => e.key.revoked && e.key.blob.equals(blob(k)),
              );
              const accepted = known.entries.some(
                (e) =>
                  !e.ca &&
                  !e.key.revoked &&
                  e.key.blob.equals(blob(k)) &&
                  scanMatch(e.patterns, listed.name),
              );
              expect(v.ok).toBe(!revoked && accepted);
            }
          }
      }),
      { numRuns: 300 },
    );
  });
});

/** The reference: every pattern of a line tried against the name, as OpenSSH's match_hostname does. */
function scanMatch(patterns: readonly string[], name: string): boolean {
  const glob = (p: string, n: string): boolean =>
    new RegExp(
      `^${p
        .toLowerCase()
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(n.toLowerCase());
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('|')) {
      const [, magic, salt, hash] = p.split('|');
      if (magic === '1' && salt !== undefined && hash !== undefined) {
        const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
        if (got === hash) matched = true;
      }
    } else if (p.startsWith('!')) {
      if (glob(p.slice(1), name)) return false;
    } else if (glob(p, name)) matched = true;
  }
  return matched;
}
