import { randomBytes } from 'node:crypto';

// Crockford's base32 (https://www.crockford.com/base32.html), lower case: no i, l, o, u.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A scan id: 10 characters of milliseconds since the epoch, then 6 random ones (as ULID does,
 * shorter). Ids sort by time as text, in every engine, and a few leading characters name one.
 */
export function newScanId(now: number = Date.now(), random: Buffer = randomBytes(4)): string {
  let time = '';
  let t = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    time = (ALPHABET[t % 32] ?? '0') + time;
    t = Math.floor(t / 32);
  }
  let bits = random.readUInt32BE(0);
  let rand = '';
  for (let i = 0; i < 6; i++) {
    rand += ALPHABET[bits % 32] ?? '0';
    bits = Math.floor(bits / 32);
  }
  return time + rand;
}

export const SCAN_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{16}$/;

/** Whether text could be (a prefix of) a scan id. */
export const isIdPrefix = (text: string): boolean => /^[0-9a-hjkmnp-tv-z]{1,16}$/.test(text);
