/** Splits a comma-separated flag value the way Kubernetes' string-slice flags do. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
