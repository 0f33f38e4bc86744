/**
 * A file name as the evidence keys it. Linux names are bytes, not text: a name that is valid UTF-8
 * is that text; in any other, each byte that is not part of a valid UTF-8 sequence is written
 * `\xNN`. (Decoding such a name as UTF-8 replaces those bytes with U+FFFD, and the name so decoded
 * names no file: the entry could then not be examined.)
 */
export function fileNameOf(raw: Uint8Array): string {
  let out = '';
  let start = 0;
  let i = 0;
  const decoder = new TextDecoder('utf-8');
  while (i < raw.length) {
    const n = sequenceLength(raw, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += decoder.decode(raw.subarray(start, i));
    out += `\\x${(raw[i] as number).toString(16).toUpperCase().padStart(2, '0')}`;
    i++;
    start = i;
  }
  return out + decoder.decode(raw.subarray(start, i));
}

/** The length of the valid UTF-8 sequence at `i` (Unicode 15, table 3-7), or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const lead = b[i] as number;
  if (lead < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
