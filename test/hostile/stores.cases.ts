import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Issue #13: history stores that are not one. A read command (history, show, diff of scan ids)
 * opens an SQLite store without creating anything, not even beside it (`history --store
 * /dev/zero` made /dev/zero-journal); a command that saves (evaluate, scan, cluster with --save or
 * --store) opens and checks its store before the report is printed or any file written.
 */
export interface HostileStore {
  name: string;
  /** Needs root (mknod); CI runs as root. */
  root?: boolean;
  /** Makes it in `dir` and returns the --store value. */
  make: (dir: string) => string;
  /** What the one line must say. */
  message: RegExp;
}

export const HOSTILE_STORES: HostileStore[] = [
  {
    // A copy of /dev/zero made with mknod: SQLite reads it as an empty database.
    name: 'a character device (a /dev/zero)',
    root: true,
    make: (d) => {
      execFileSync('mknod', [join(d, 'zero'), 'c', '1', '5']);
      return join(d, 'zero');
    },
    message: /history store .*zero: cannot open: a character device, not a regular file/,
  },
  {
    name: 'a FIFO',
    make: (d) => {
      execFileSync('mkfifo', [join(d, 'fifo.db')]);
      return join(d, 'fifo.db');
    },
    message: /history store .*fifo\.db: cannot open: a FIFO \(named pipe\), not a regular file/,
  },
  {
    name: 'a folder',
    make: (d) => {
      mkdirSync(join(d, 'folder.db'));
      return `sqlite:${join(d, 'folder.db')}`;
    },
    message: /history store sqlite:.*folder\.db: cannot open: a folder, not a regular file/,
  },
  {
    name: 'a text file',
    make: (d) => {
      writeFileSync(
        join(d, 'text.db'),
        'not a database, only text long enough for a header\n'.repeat(9),
      );
      return join(d, 'text.db');
    },
    message: /history store .*text\.db: cannot open: not an SQLite database/,
  },
  {
    name: 'an SQLite database of another program',
    make: (d) => {
      const db = new Database(join(d, 'other.db'));
      db.exec('CREATE TABLE t (x)');
      db.close();
      return join(d, 'other.db');
    },
    message: /other\.db: an SQLite database, but not an rkecis history store/,
  },
];

/** Stores a read command must refuse without creating them: those above, and these. */
export const READ_ONLY_STORES: HostileStore[] = [
  ...HOSTILE_STORES,
  {
    name: 'a file that does not exist',
    make: (d) => join(d, 'missing.db'),
    message: /history store .*missing\.db does not exist \(scans are saved with --save\)/,
  },
  {
    name: 'an empty file',
    make: (d) => {
      closeSync(openSync(join(d, 'empty.db'), 'w'));
      return join(d, 'empty.db');
    },
    message: /empty\.db: an empty database, no scan saved in it/,
  },
];

/** Stores a command that saves must refuse before printing or writing anything: those above, and these. */
export const SAVE_STORES: HostileStore[] = [
  ...HOSTILE_STORES,
  {
    name: 'a path through a regular file',
    make: (d) => {
      writeFileSync(join(d, 'plain'), 'a file, not a folder\n');
      return join(d, 'plain', 'history.db');
    },
    message: /history store .*plain\/history\.db: cannot open: .*(ENOTDIR|not a directory)/,
  },
  {
    name: 'a store made by a newer rkecis',
    make: (d) => {
      const db = new Database(join(d, 'newer.db'));
      db.exec(
        "CREATE TABLE rkecis_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, rkecis_version TEXT NOT NULL) STRICT; INSERT INTO rkecis_schema VALUES (99, '2030-01-01', '99.0.0')",
      );
      db.close();
      return join(d, 'newer.db');
    },
    message: /newer\.db was created by a newer rkecis \(schema v99\)/,
  },
  {
    // Not percent-encoded: / and # cut the URL short. The password must not be shown.
    name: 'a PostgreSQL URL whose password holds / and #',
    make: () => 'postgres://rkecis:pa/ss#word@localhost:1/history',
    message:
      /cannot open history store postgres:\/\/rkecis:\*\*\*@localhost:1\/history: not a valid URL .*percent-encode .*\/ as %2F, # as %23/,
  },
];

/** The read commands, with a store. */
export const READ_COMMANDS: { name: string; args: (store: string) => string[] }[] = [
  { name: 'history', args: (s) => ['history', '--store', s] },
  { name: 'show', args: (s) => ['show', '0123456789abcdef', '--store', s] },
  {
    name: 'diff of two scan ids',
    args: (s) => ['diff', '0123456789abcdef', '0123456789abcdeg', '--store', s],
  },
  { name: 'history prune', args: (s) => ['history', 'prune', '--keep', '1', '--store', s] },
];
