/**
 * A small path language over parsed YAML/JSON: dot-separated keys, `*` for every element of a
 * list or value of a map, and numeric indexes into lists ("resources.*.providers.0").
 */
const stepsOf = new Map<string, readonly string[]>();

export function select(root: unknown, path: string): unknown[] {
  let steps = stepsOf.get(path);
  if (steps === undefined) {
    steps = path.split('.');
    // Paths come from profiles: a handful, each split once (bounded all the same).
    if (stepsOf.size < 1024) stepsOf.set(path, steps);
  }
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (step === '*') {
        const items: unknown[] = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
        next.push(...items);
      } else if (Array.isArray(v)) {
        if (/^\d+$/.test(step) && Number(step) < v.length) next.push(v[Number(step)]);
      } else if (Object.prototype.hasOwnProperty.call(v, step)) {
        next.push((v as Record<string, unknown>)[step]);
      }
    }
    current = next;
  }
  return current;
}

/**
 * A selected value as text for the operators: a map is its keys (a provider entry such as
 * `{aescbc: {...}}` reads "aescbc"), a list its items, comma-joined; null and absent are undefined.
 */
export function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => asText(x) ?? '').join(',');
  if (typeof v === 'object') return Object.keys(v).join(',');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}
