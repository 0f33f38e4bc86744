import { describe, expect, it } from 'vitest';
import { SCAN_ID_PATTERN, isIdPrefix, newScanId } from '../../src/store/ids.js';
import { defaultStorePath, parseStoreUrl, redactUrl } from '../../src/store/url.js';

describe('parseStoreUrl', () => {
  const env = { HOME: '/home/u', XDG_DATA_HOME: '/data' };
  it.each([
    [undefined, { engine: 'sqlite', path: '/data/rkecis/history.db', isDefault: true }],
    ['/tmp/h.db', { engine: 'sqlite', path: '/tmp/h.db', isDefault: false }],
    ['sqlite:/tmp/h.db', { engine: 'sqlite', path: '/tmp/h.db' }],
    ['sqlite:///tmp/h.db', { engine: 'sqlite', path: '/tmp/h.db' }],
    [
      'postgres://u:pw@db:5432/rkecis',
      {
        engine: 'postgres',
        url: 'postgres://u:pw@db:5432/rkecis',
        display: 'postgres://u:***@db:5432/rkecis',
      },
    ],
    ['postgresql://db/rkecis', { engine: 'postgres', url: 'postgresql://db/rkecis' }],
  ])('%s', (raw, expected) => {
    expect(parseStoreUrl(raw, env)).toMatchObject(expected);
  });

  it('takes $RKECIS_STORE when no --store is given', () => {
    expect(parseStoreUrl(undefined, { ...env, RKECIS_STORE: 'postgres://db/x' })).toMatchObject({
      engine: 'postgres',
    });
  });

  it('refuses other schemes and empty values', () => {
    expect(() => parseStoreUrl('mysql://u:pw@db/x', env)).toThrow(
      '--store mysql://u:pw@db/x: unsupported store "mysql"',
    );
    expect(() => parseStoreUrl('sqlite:', env)).toThrow('no database file');
    expect(() => parseStoreUrl(' ', env)).toThrow('empty store URL');
  });

  it('defaults to ~/.local/share without an absolute XDG_DATA_HOME', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: 'relative' })).toMatch(
      /\/\.local\/share\/rkecis\/history\.db$/,
    );
  });

  it('never shows a password', () => {
    expect(redactUrl('postgresql://rk:s3cr@t@h/db')).toBe('postgresql://rk:***@h/db');
  });
});

describe('scan ids', () => {
  it('are 16 characters, sort by time, and differ at the same millisecond', () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    const a = newScanId(t);
    const b = newScanId(t + 1);
    expect(a).toMatch(SCAN_ID_PATTERN);
    expect(a < b).toBe(true);
    expect(newScanId(t, Buffer.from([0, 0, 0, 1]))).not.toBe(
      newScanId(t, Buffer.from([0, 0, 0, 2])),
    );
    expect(newScanId(t).slice(0, 10)).toBe(a.slice(0, 10));
    expect(isIdPrefix(a.slice(0, 4))).toBe(true);
    expect(isIdPrefix('ilou')).toBe(false);
  });
});

describe('redactUrl', () => {
  it('hides a password in the query too', () => {
    expect(redactUrl('postgres://db/x?sslmode=require&password=pw&user=u')).toBe(
      'postgres://db/x?sslmode=require&password=***&user=u',
    );
  });
});
