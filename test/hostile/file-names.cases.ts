import type { Status } from '../../src/report/types.js';

/**
 * Entries of a folder a control judges (1.4.9 mode, 1.4.10 owner: the CNI folders) whose names
 * are not valid UTF-8. A Linux name is bytes: decoded as text its invalid bytes become U+FFFD, and
 * that text names no file, so the entry was once "removed" and left out (a world-writable file
 * passed). Each entry is examined by its own bytes and keyed with them written `\xNN`; an entry
 * that cannot be examined is an error.
 */
export interface FileNameCase {
  name: string;
  /** Raw names of the files put in /etc/cni/net.d, each with its mode. */
  files: { bytes: Buffer; mode: number; uid?: number }[];
  controls: Record<string, Status>;
  /** How the evidence keys the first file. */
  key?: string;
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

export const FILE_NAME_CASES: FileNameCase[] = [
  {
    name: 'a world-writable file named in Latin-1 (caf\\xE9.conf)',
    files: [{ bytes: latin1('caf\u00e9.conf'), mode: 0o666 }],
    controls: { '1.4.9': 'fail', '1.4.10': 'pass' },
    key: 'caf\\xE9.conf',
  },
  {
    name: 'a file owned by nobody, its name a lone continuation byte',
    files: [{ bytes: Buffer.from([0x80]), mode: 0o644, uid: 65534 }],
    controls: { '1.4.9': 'pass', '1.4.10': 'fail' },
    key: '\\x80',
  },
  {
    name: 'a world-writable file named with a truncated 3-byte sequence and a valid é',
    files: [{ bytes: Buffer.concat([Buffer.from([0xe2, 0x82]), Buffer.from('é')]), mode: 0o666 }],
    controls: { '1.4.9': 'fail' },
    key: '\\xE2\\x82é',
  },
  {
    name: 'an overlong encoding of "/" (C0 AF) and a UTF-16 surrogate (ED A0 80)',
    files: [
      { bytes: Buffer.from([0xc0, 0xaf, 0x61]), mode: 0o666 },
      { bytes: Buffer.from([0xed, 0xa0, 0x80]), mode: 0o644 },
    ],
    controls: { '1.4.9': 'fail' },
    key: '\\xC0\\xAFa',
  },
  {
    // \xFF written out is also what a file literally named `\xFF` reads as: neither can be told
    // apart in the evidence, so both are errors rather than one hiding the other.
    name: 'a name with byte FF beside one literally spelled \\xFF',
    files: [
      { bytes: Buffer.from([0xff]), mode: 0o666 },
      { bytes: Buffer.from('\\xFF'), mode: 0o644 },
    ],
    controls: { '1.4.9': 'error', '1.4.10': 'error' },
  },
  {
    name: 'a correctly mode-644 file with a non-UTF-8 name passes',
    files: [{ bytes: latin1('r\u00e9seau.conflist'), mode: 0o644 }],
    controls: { '1.4.9': 'pass', '1.4.10': 'pass' },
    key: 'r\\xE9seau.conflist',
  },
];
