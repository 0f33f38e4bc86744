import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../base/errors.js';
import { MiB, readInputText, UnreadableFile } from '../../base/input-file.js';

/**
 * OpenSSH's known_hosts, as far as a client that verifies host keys needs it: plain and hashed
 * (`|1|salt|hash`) host patterns, `*`/`?` wildcards, `!` negation, `[host]:port` for ports
 * other than 22, and `@revoked` keys. `@cert-authority` lines are recognised and skipped: rkecis
 * does not accept host certificates, so such a host is "not known" unless a plain key is listed.
 */
export interface KnownHostKey {
  type: string;
  /** The key blob as the server sends it (base64-decoded third field). */
  blob: Buffer;
  line: number;
  revoked: boolean;
}

export interface KnownHosts {
  file: string;
  entries: { patterns: string[]; key: KnownHostKey; ca: boolean }[];
  /**
   * Built once at parse time, so that looking a host up costs the same with 10 lines as with
   * 10,000 (a cluster looks up every node): entries whose host patterns are all plain names, by
   * lower-cased name; and the entries that must be matched pattern by pattern (wildcards,
   * negations, hashed names), with their patterns compiled.
   */
  index: KnownHostsIndex;
}

interface KnownHostsIndex {
  byName: Map<string, number[]>;
  matched: { entry: number; patterns: Pattern[] }[];
  revoked: KnownHostKey[];
}

/** One host pattern, compiled: `match` says whether it names the host (before negation). */
interface Pattern {
  negated: boolean;
  match: (name: string) => boolean;
}

/** A known_hosts of a few hundred thousand hosts; anything bigger is not one. */
const MAX_KNOWN_HOSTS_BYTES = 64 * MiB;

const home = (env: NodeJS.ProcessEnv): string =>
  env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();

/**
 * known_hosts (`--known-hosts FILE`, else ~/.ssh/known_hosts), read once; a missing file is bad
 * input (every node would be refused).
 */
export function loadKnownHosts(flag: string | undefined, env: NodeJS.ProcessEnv): KnownHosts {
  const file = flag ?? join(home(env), '.ssh', 'known_hosts');
  let text: string;
  try {
    text = readInputText(file, {
      maxBytes: MAX_KNOWN_HOSTS_BYTES,
      label: `${flag !== undefined ? '--known-hosts ' : 'known_hosts '}${file}`,
    });
  } catch (e) {
    if (!(e instanceof UnreadableFile)) throw e;
    throw new InputError(
      `${e.message}; the nodes' host keys are checked against it (ssh-keyscan them after checking their fingerprints, or pass --insecure-ignore-host-key)`,
    );
  }
  return parseKnownHosts(text, file);
}

export function parseKnownHosts(text: string, file: string): KnownHosts {
  const entries: KnownHosts['entries'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@') === true) marker = fields.shift();
    const [hosts, type, b64] = fields;
    if (hosts === undefined || type === undefined || b64 === undefined) return;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    const blob = Buffer.from(b64, 'base64');
    // A key blob names its own type; a line whose fields disagree is not a key.
    if (blobType(blob) !== type) return;
    entries.push({
      patterns: hosts.split(','),
      key: { type, blob, line: i + 1, revoked: marker === '@revoked' },
      ca: marker === '@cert-authority',
    });
  });
  return { file, entries, index: indexOf(entries) };
}

/** A pattern that names one host by itself: no wildcard, no negation, not hashed. */
const plain = (p: string): boolean => !p.startsWith('|') && !p.startsWith('!') && !/[*?]/.test(p);

function indexOf(entries: KnownHosts['entries']): KnownHostsIndex {
  const byName = new Map<string, number[]>();
  const matched: KnownHostsIndex['matched'] = [];
  const compiled = new Map<string, Pattern>();
  entries.forEach((e, i) => {
    if (e.ca) return;
    if (e.patterns.every(plain)) {
      for (const name of new Set(e.patterns.map((p) => p.toLowerCase()))) {
        const list = byName.get(name);
        if (list === undefined) byName.set(name, [i]);
        else list.push(i);
      }
      return;
    }
    matched.push({
      entry: i,
      patterns: e.patterns.map((p) => {
        let c = compiled.get(p);
        if (c === undefined) {
          c = compile(p);
          compiled.set(p, c);
        }
        return c;
      }),
    });
  });
  return { byName, matched, revoked: entries.filter((e) => e.key.revoked).map((e) => e.key) };
}

function compile(p: string): Pattern {
  if (p.startsWith('|')) return { negated: false, match: (name) => hashedMatch(p, name) };
  const negated = p.startsWith('!');
  const re = wildcard(negated ? p.slice(1) : p);
  return { negated, match: (name) => re.test(name.toLowerCase()) };
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export const hostEntryName = (host: string, port: number): string =>
  port === 22 ? host : `[${host}]:${port}`;

/** OpenSSH's pattern match: `*` any run, `?` one character, case-insensitive. */
function wildcard(pattern: string): RegExp {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  const want = Buffer.from(hash, 'base64');
  const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** True when the pattern list matches the name: some pattern matches and no negated one does. */
function matches(patterns: readonly Pattern[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.match(name)) {
      if (p.negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** True when the host list matches the name: some pattern matches and no negated one does. */
export const hostsMatch = (patterns: readonly string[], name: string): boolean =>
  matches(patterns.map(compile), name);

/** The keys known_hosts lists for a host (not the CA lines), in the file's order. */
export function keysFor(known: KnownHosts, name: string): KnownHostKey[] {
  const { byName, matched } = known.index;
  const found = [...(byName.get(name.toLowerCase()) ?? [])];
  for (const m of matched) if (matches(m.patterns, name)) found.push(m.entry);
  return found
    .sort((a, b) => a - b)
    .map((i) => (known.entries[i] as KnownHosts['entries'][number]).key);
}

/** A host as known_hosts names it, and the keys listed for it: looked up once per connection. */
export interface KnownHost {
  host: string;
  port: number;
  /** `host`, or `[host]:port`. */
  name: string;
  keys: KnownHostKey[];
}

export function lookUpHost(known: KnownHosts, host: string, port: number): KnownHost {
  const name = hostEntryName(host, port);
  return { host, port, name, keys: keysFor(known, name) };
}

/** `SHA256:...` as ssh-keygen -l prints a key's fingerprint. */
export const fingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** The key type named inside a key blob (its first SSH string). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n
    ? blob.subarray(4, 4 + n).toString('latin1')
    : 'unknown';
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Judges the key a server presented, as OpenSSH's StrictHostKeyChecking=yes does: a listed
 * key accepts it, a revoked one refuses it, a host listed with other keys only is refused as a
 * changed key (a possible man in the middle), a host not listed at all is refused as unknown.
 */
export function judgeHostKey(known: KnownHosts, host: KnownHost, blob: Buffer): HostKeyVerdict {
  const { name, port, keys } = host;
  const revoked = known.index.revoked.find((k) => k.blob.equals(blob));
  if (revoked === undefined && keys.some((k) => !k.revoked && k.blob.equals(blob)))
    return { ok: true };
  const print = `${blobType(blob)} ${fingerprint(blob)}`;
  if (revoked !== undefined)
    return {
      ok: false,
      reason: `host key ${print} of ${name} is marked @revoked in ${known.file}:${revoked.line}`,
    };
  const listed = keys.filter((k) => !k.revoked);
  if (listed.length > 0) {
    return {
      ok: false,
      reason:
        `host key verification failed: ${name} presented ${print}, but ${known.file} lists a different key ` +
        `(line ${listed.map((k) => k.line).join(', ')}); the key changed or someone is intercepting the connection`,
    };
  }
  return {
    ok: false,
    reason:
      `host key verification failed: ${name} is not in ${known.file} (it presented ${print}); ` +
      `check the fingerprint on the node and add it (ssh-keyscan${port === 22 ? '' : ` -p ${port}`} ${host.host}), ` +
      'or pass --insecure-ignore-host-key',
  };
}

/** The host key algorithms to offer first: those of the keys known for the host, as OpenSSH orders them. */
export function preferredHostKeyAlgorithms(host: KnownHost): string[] {
  const out: string[] = [];
  for (const k of host.keys) {
    const algs = k.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k.type];
    for (const a of algs) if (!out.includes(a)) out.push(a);
  }
  return out;
}
