/** An octal mode of one to four digits as a number, or -1 when it is not one. */
function octal(text: string): number {
  const t = text.trim();
  if (t.length === 0 || t.length > 4) return -1;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const d = t.charCodeAt(i) - 0x30;
    if (d < 0 || d > 7) return -1;
    n = n * 8 + d;
  }
  return n;
}

/**
 * bitmask: an octal mode with no permission bit outside the expected mask. "644 or more
 * restrictive" in CIS means exactly this: 600, 640, 444 pass; 664, 755, 1644 fail.
 * Parsed by hand rather than by regex and parseInt: this runs for every file of every node.
 */
export function bitmask(actual: string, expected: string): boolean {
  const a = octal(actual);
  const mask = octal(expected);
  if (a < 0 || mask < 0) return false;
  return (a & ~mask) === 0;
}
