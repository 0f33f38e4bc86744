import { REDACTED } from './redact.js';

/**
 * A secret quoted in part is still a secret: a server may echo the first characters of a token
 * ("token abcdefghijklmnopqrstuvwx... is invalid"). Any run of at least this many of a secret's
 * first characters is cut, as the whole secret is.
 */
export const MIN_PREFIX = 8;
/** Shorter secrets are cut only whole (a 4-character password would match ordinary text). */
const MIN_SECRET = 6;

/**
 * A function that cuts the given secrets, and their prefixes of MIN_PREFIX characters or more,
 * out of a text. It is given decoded text (a JSON answer is parsed first: `\u0041bc` in the
 * bytes is `Abc` in the message that a report would show).
 */
export function secretCutter(secrets: readonly (string | undefined)[]): (text: string) => string {
  const list = [...new Set(secrets)].filter(
    (s): s is string => s !== undefined && s.length >= MIN_SECRET,
  );
  if (list.length === 0) return (text) => text;
  return (text) => list.reduce(cutOne, text);
}

function cutOne(text: string, secret: string): string {
  const head = secret.slice(0, Math.min(MIN_PREFIX, secret.length));
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let n = head.length;
    while (n < secret.length && text[at + n] === secret[n]) n++;
    // A prefix shorter than the whole secret counts once it is MIN_PREFIX long (head is).
    out += text.slice(from, at) + REDACTED;
    from = at + n;
  }
  return out + text.slice(from);
}

/** Every string of a parsed JSON value, keys too, with `cut` applied; the value is copied. */
export function cutDeep(value: unknown, cut: (text: string) => string): unknown {
  if (typeof value === 'string') return cut(value);
  if (Array.isArray(value)) return value.map((v) => cutDeep(v, cut));
  if (value !== null && typeof value === 'object') {
    // fromEntries: a key that is `__proto__` stays a key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cut(k), cutDeep(v, cut)]));
  }
  return value;
}

/**
 * A URL as reports may show it: credentials in it (`https://user:password@host`, or a token as
 * the user name) are replaced. Text that is not a URL is returned with anything up to an `@`
 * after the scheme replaced, in case.
 */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    const at = url.indexOf('@', url.indexOf('//') + 2);
    return `${u.protocol}//${REDACTED}${url.slice(at)}`;
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
  }
}

/** The user name and password a URL carries, raw and percent-decoded. */
export function urlCredentials(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url);
    return m?.[1] === undefined ? [] : [m[1], ...m[1].split(':')];
  }
  const out = [u.username, u.password];
  for (const part of [u.username, u.password]) {
    try {
      out.push(decodeURIComponent(part));
    } catch {
      // Not percent-encoded text: the raw form is cut already.
    }
  }
  return out.filter((p) => p !== '');
}
