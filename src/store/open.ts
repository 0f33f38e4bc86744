import type { HistoryStore } from './store.js';
import { parseStoreUrl, type StoreLocation } from './url.js';

export interface OpenOptions {
  /** Create the default or named SQLite file when missing (saving does; reading does not). */
  create: boolean;
  /** Only read (history, show, diff): an SQLite file must exist and nothing is created or set up. */
  readOnly?: boolean;
}

/** Opens the history store a --store value names (or the default one), migrated and ready. */
export async function openStoreAt(
  location: StoreLocation,
  opts: OpenOptions,
): Promise<HistoryStore> {
  if (location.engine === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore({ url: location.url, display: location.display });
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore({
    path: location.path,
    display: location.display,
    create: opts.create,
    ...(opts.readOnly === true ? { readOnly: true } : {}),
  });
}

export async function openStore(url: string | undefined, opts: OpenOptions): Promise<HistoryStore> {
  return openStoreAt(parseStoreUrl(url), opts);
}

/** Runs fn with an open store and always closes it. */
export async function withStore<T>(
  url: string | undefined,
  opts: OpenOptions,
  fn: (store: HistoryStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(url, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
