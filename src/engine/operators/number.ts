/**
 * Numbers for gt/gte/lt/lte. Only plain decimal integers count: "1800s" or "0x10" is not a
 * number, so a comparison on it fails instead of guessing (kube-bench's Atoi behaves the same).
 */
export function toNumber(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}

export function compareNumbers(
  actual: string,
  expected: string,
  cmp: (a: number, b: number) => boolean,
): boolean {
  const a = toNumber(actual);
  const b = toNumber(expected);
  return a !== undefined && b !== undefined && cmp(a, b);
}
