/** Orders dotted control ids numerically: 1.1.2 before 1.1.10. */
export function compareIds(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const d = Number(x) - Number(y);
    if (d !== 0 && !Number.isNaN(d)) return d;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
