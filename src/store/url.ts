import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../base/errors.js';

export type StoreLocation =
  | { engine: 'sqlite'; path: string; display: string; isDefault: boolean }
  | { engine: 'postgres'; url: string; display: string };

/**
 * The default history database: $XDG_DATA_HOME/rkecis/history.db, else
 * ~/.local/share/rkecis/history.db (XDG Base Directory specification).
 */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  // The spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const base =
    xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(base, 'rkecis', 'history.db');
}

/**
 * A PostgreSQL URL as it may be shown: the password never is. The password runs to the last `@`,
 * whatever it holds: one that holds / or # (not percent-encoded, so not a valid URL) is hidden
 * all the same, in the very message that says so.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/@]*):.*@/i, '$1:***@')
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

/**
 * Parses --store: `postgres://` or `postgresql://` URLs, `sqlite:PATH`, or a plain file path.
 * Without one, $RKECIS_STORE, else the default SQLite file.
 */
export function parseStoreUrl(
  raw: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): StoreLocation {
  const given =
    raw ??
    (env.RKECIS_STORE !== undefined && env.RKECIS_STORE !== '' ? env.RKECIS_STORE : undefined);
  if (given === undefined) {
    const path = defaultStorePath(env);
    return { engine: 'sqlite', path, display: path, isDefault: true };
  }
  if (given.trim() === '') throw new InputError('--store: empty store URL');
  if (/^postgres(ql)?:\/\//i.test(given)) {
    return { engine: 'postgres', url: given, display: redactUrl(given) };
  }
  const sqlite = /^sqlite:(?:\/\/)?(.*)$/i.exec(given);
  if (sqlite !== null) {
    const path = sqlite[1] ?? '';
    if (path === '') throw new InputError(`--store ${given}: no database file after "sqlite:"`);
    return { engine: 'sqlite', path: resolve(path), display: given, isDefault: false };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(given);
  if (scheme !== null) {
    throw new InputError(
      `--store ${redactUrl(given)}: unsupported store "${scheme[1] ?? ''}"; use a file path, sqlite:PATH or postgres://...`,
    );
  }
  return { engine: 'sqlite', path: resolve(given), display: given, isDefault: false };
}
