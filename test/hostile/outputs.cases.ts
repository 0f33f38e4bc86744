import { execFileSync } from 'node:child_process';
import {
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * Issue #13, "Destroyed or wrongly written files": what is at an output path (`--output`, `-o`)
 * decides how it is written (src/cli/output-target.ts). A regular file or a new path is replaced
 * atomically; a device, a FIFO or a path naming an open descriptor is written in place and stays
 * what it was; a symlink is followed; a folder, a disk, a socket or a link to nothing is refused
 * with nothing written.
 *
 * The devices are made here with mknod, as copies of /dev/null (1,3) and /dev/full (1,7), and
 * /dev/stdout as a link of the same shape: the machine's own would be destroyed, for every other
 * process on it, by the very regression these cases are here to catch.
 */
export interface OutputRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OutputCase {
  name: string;
  /** Needs root (mknod, lchown); CI runs as root. */
  root?: boolean;
  /** Prepares `dir` and returns the command line's output arguments. */
  make: (dir: string) => string[];
  /** What the run must have done. `report` is the report as written to a plain new file. */
  check: (run: OutputRun, dir: string, report: string) => void;
  /** A reader of the FIFO at this path, started before the run; what it read is passed on. */
  fifoReader?: (dir: string) => string;
  /** The run's stdout goes to this file (opened to append), not a pipe. */
  stdoutFile?: (dir: string) => { path: string; before: string };
}

const mknod = (path: string, type: 'c' | 'b', major: number, minor: number): string => {
  execFileSync('mknod', [path, type, String(major), String(minor)]);
  return path;
};

/** The device numbers of a character or block device. */
const device = (path: string): { char: boolean; block: boolean; rdev: number } => {
  const st = lstatSync(path);
  return { char: st.isCharacterDevice(), block: st.isBlockDevice(), rdev: st.rdev };
};

const exitsWith = (run: OutputRun, code: number): void => {
  expect(run.code, run.stderr).toBe(code);
};

/** Exit 2, one line, nothing on stdout. */
const refused = (run: OutputRun, message: RegExp): void => {
  exitsWith(run, 2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^rkecis: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
};

/** What is in a folder, hidden files (a temporary file left) included. */
const files = (dir: string): string[] => readdirSync(dir).sort();

export const OUTPUT_CASES: OutputCase[] = [
  {
    name: 'a new file: written whole',
    make: (d) => ['--output', join(d, 'r.json')],
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe(report);
      expect(files(d)).toEqual(['r.json']);
    },
  },
  {
    name: 'a regular file: replaced whole',
    make: (d) => {
      writeFileSync(join(d, 'r.json'), 'old report\n');
      return ['--output', join(d, 'r.json')];
    },
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe(report);
      expect(files(d)).toEqual(['r.json']);
    },
  },
  {
    name: 'a character device (a /dev/null): written in place, still the device',
    root: true,
    make: (d) => ['--output', mknod(join(d, 'null'), 'c', 1, 3)],
    check: (run, d) => {
      exitsWith(run, 1);
      expect(device(join(d, 'null'))).toMatchObject({ char: true });
      expect(statSync(join(d, 'null')).rdev).toBe(statSync('/dev/null').rdev);
      expect(files(d)).toEqual(['null']);
    },
  },
  {
    name: 'a full device (a /dev/full): exit 2, still the device',
    root: true,
    make: (d) => ['--output', mknod(join(d, 'full'), 'c', 1, 7)],
    check: (run, d) => {
      refused(run, /cannot write .*\/full: no space left on the device$/m);
      expect(statSync(join(d, 'full')).rdev).toBe(statSync('/dev/full').rdev);
      expect(files(d)).toEqual(['full']);
    },
  },
  {
    name: '-o to a device and --output to a file in one run: both written',
    root: true,
    make: (d) => ['--output', join(d, 'r.json'), '-o', `html=${mknod(join(d, 'null'), 'c', 1, 3)}`],
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe(report);
      expect(device(join(d, 'null')).char).toBe(true);
      expect(files(d)).toEqual(['null', 'r.json']);
    },
  },
  {
    name: 'a /dev/stdout (a link to /proc/self/fd/1): the report on stdout, the link kept',
    make: (d) => {
      symlinkSync('/proc/self/fd/1', join(d, 'stdout'));
      return ['--output', join(d, 'stdout')];
    },
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(run.stdout).toBe(report);
      expect(readlinkSync(join(d, 'stdout'))).toBe('/proc/self/fd/1');
      expect(files(d)).toEqual(['stdout']);
    },
  },
  {
    name: '/proc/self/fd/1 itself: the report on stdout',
    make: () => ['--output', '/proc/self/fd/1'],
    check: (run, _d, report) => {
      exitsWith(run, 1);
      expect(run.stdout).toBe(report);
    },
  },
  {
    name: '/dev/fd/1 with stdout appended to a file (>>): added after what was there',
    make: () => ['--output', '/dev/fd/1'],
    stdoutFile: (d) => ({ path: join(d, 'log'), before: 'earlier lines\n' }),
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'log'), 'utf8')).toBe(`earlier lines\n${report}`);
    },
  },
  {
    name: 'a FIFO with a reader: the reader gets the whole report, the FIFO stays a FIFO',
    make: (d) => {
      execFileSync('mkfifo', [join(d, 'pipe')]);
      return ['--output', join(d, 'pipe')];
    },
    fifoReader: (d) => join(d, 'pipe'),
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'read-from-pipe'), 'utf8')).toBe(report);
      expect(lstatSync(join(d, 'pipe')).isFIFO()).toBe(true);
    },
  },
  {
    name: 'a symlink to a regular file: the file replaced, the link kept',
    make: (d) => {
      mkdirSync(join(d, 'real'));
      writeFileSync(join(d, 'real', 'r.json'), 'old\n');
      symlinkSync('real/r.json', join(d, 'link.json'));
      return ['--output', join(d, 'link.json')];
    },
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readlinkSync(join(d, 'link.json'))).toBe('real/r.json');
      expect(readFileSync(join(d, 'real', 'r.json'), 'utf8')).toBe(report);
      expect(files(join(d, 'real'))).toEqual(['r.json']);
    },
  },
  {
    name: 'a chain of links into another folder: the last file replaced, every link kept',
    make: (d) => {
      mkdirSync(join(d, 'a'));
      mkdirSync(join(d, 'b'));
      writeFileSync(join(d, 'b', 'r.json'), 'old\n');
      symlinkSync('../b/r.json', join(d, 'a', 'second'));
      symlinkSync('a/second', join(d, 'first'));
      return ['--output', join(d, 'first')];
    },
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readlinkSync(join(d, 'first'))).toBe('a/second');
      expect(readlinkSync(join(d, 'a', 'second'))).toBe('../b/r.json');
      expect(readFileSync(join(d, 'b', 'r.json'), 'utf8')).toBe(report);
      expect(files(join(d, 'b'))).toEqual(['r.json']);
    },
  },
  {
    name: 'a symlink to nothing: refused, nothing created',
    make: (d) => {
      symlinkSync('nowhere.json', join(d, 'link.json'));
      return ['--output', join(d, 'link.json')];
    },
    check: (run, d) => {
      refused(run, /cannot write .*link\.json: a symlink to .*nowhere\.json, which does not exist/);
      expect(files(d)).toEqual(['link.json']);
    },
  },
  {
    name: "another user's link in a sticky world-writable folder (/tmp): not followed",
    root: true,
    make: (d) => {
      writeFileSync(join(d, 'precious'), 'not a report\n');
      mkdirSync(join(d, 'shared'), { mode: 0o1777 });
      execFileSync('chmod', ['1777', join(d, 'shared')]);
      symlinkSync(join(d, 'precious'), join(d, 'shared', 'r.json'));
      lchownSync(join(d, 'shared', 'r.json'), 65534, 65534);
      return ['--output', join(d, 'shared', 'r.json')];
    },
    check: (run, d) => {
      refused(
        run,
        /is a symlink in a sticky world-writable folder, owned by another user; not followed/,
      );
      expect(readFileSync(join(d, 'precious'), 'utf8')).toBe('not a report\n');
      expect(files(join(d, 'shared'))).toEqual(['r.json']);
    },
  },
  {
    name: 'my own link in a sticky world-writable folder: followed',
    make: (d) => {
      writeFileSync(join(d, 'mine'), 'old\n');
      mkdirSync(join(d, 'shared'));
      execFileSync('chmod', ['1777', join(d, 'shared')]);
      symlinkSync(join(d, 'mine'), join(d, 'shared', 'r.json'));
      return ['--output', join(d, 'shared', 'r.json')];
    },
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, 'mine'), 'utf8')).toBe(report);
    },
  },
  {
    name: 'a folder: refused',
    make: (d) => ['-o', `html=${d}`],
    check: (run, d) => {
      refused(run, /cannot write .*: a folder$/m);
      expect(files(d)).toEqual([]);
    },
  },
  {
    name: 'a block device (a disk): refused, never opened',
    root: true,
    // Loop device 250: no such device on the machine, and it is never opened anyway.
    make: (d) => ['--output', mknod(join(d, 'disk'), 'b', 7, 250)],
    check: (run, d) => {
      refused(run, /cannot write .*disk: a block device; rkecis writes files, never onto a disk/);
      expect(device(join(d, 'disk')).block).toBe(true);
      expect(files(d)).toEqual(['disk']);
    },
  },
  {
    name: 'a file in a folder that does not exist: refused',
    make: (d) => ['-o', `json=${join(d, 'missing', 'r.json')}`],
    check: (run, d) => {
      refused(run, /cannot write .*missing\/r\.json: no such folder .*missing$/m);
      expect(files(d)).toEqual([]);
    },
  },
  {
    name: 'two outputs that are one file through a link: refused',
    make: (d) => {
      writeFileSync(join(d, 'r.json'), 'old\n');
      symlinkSync('r.json', join(d, 'same.json'));
      return ['--output', join(d, 'r.json'), '-o', `json=${join(d, 'same.json')}`];
    },
    check: (run, d) => {
      refused(run, /same\.json: it is the same file as .*r\.json/);
      expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe('old\n');
    },
  },
  {
    name: 'a name of 255 characters, the longest a file system takes',
    make: (d) => ['--output', join(d, `${'r'.repeat(250)}.json`)],
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(readFileSync(join(d, `${'r'.repeat(250)}.json`), 'utf8')).toBe(report);
      expect(files(d)).toEqual([`${'r'.repeat(250)}.json`]);
    },
  },
  {
    name: 'a name of 255 bytes in two-byte characters',
    make: (d) => ['--output', join(d, `${'é'.repeat(125)}.json`)],
    check: (run, d, report) => {
      exitsWith(run, 1);
      expect(Buffer.byteLength(`${'é'.repeat(125)}.json`)).toBe(255);
      expect(readFileSync(join(d, `${'é'.repeat(125)}.json`), 'utf8')).toBe(report);
      expect(files(d)).toHaveLength(1);
    },
  },
];
