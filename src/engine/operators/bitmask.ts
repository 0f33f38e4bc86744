/**
 * bitmask: an octal mode with no permission bit outside the expected mask. "644 or more
 * restrictive" in CIS means exactly this: 600, 640, 444 pass; 664, 755, 1644 fail.
 */
export function bitmask(actual: string, expected: string): boolean {
  const okMode = /^[0-7]{1,4}$/;
  if (!okMode.test(actual.trim()) || !okMode.test(expected.trim())) return false;
  const a = parseInt(actual.trim(), 8);
  const mask = parseInt(expected.trim(), 8);
  return (a & ~mask) === 0;
}
