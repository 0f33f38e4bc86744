/**
 * Whether a name matches a glob of a folder's entries: `*` any run of characters (none too, and a
 * leading dot as well, unlike a shell), `?` exactly one, anything else itself. Characters are code
 * points. Greedy with one backtrack point (the last `*`): linear in practice, never exponential,
 * whatever the profile or the name.
 */
export function matchesGlob(glob: string, name: string): boolean {
  const g = Array.from(glob);
  const n = Array.from(name);
  let gi = 0;
  let ni = 0;
  let star = -1;
  let mark = 0;
  while (ni < n.length) {
    const c = g[gi];
    if (c === '*') {
      star = gi++;
      mark = ni;
    } else if (c !== undefined && (c === '?' || c === n[ni])) {
      gi++;
      ni++;
    } else if (star >= 0) {
      gi = star + 1;
      ni = ++mark;
    } else {
      return false;
    }
  }
  while (g[gi] === '*') gi++;
  return gi === g.length;
}
