/**
 * id -> name from the node's own /etc/passwd or /etc/group (`name:x:id:...`). Ownership controls
 * compare names ("etcd:etcd"), and the node's names are what `stat -c %U:%G` prints there; the
 * scanner's own users (it may run in a container) mean nothing. Lines that do not parse are
 * skipped, and the first line for an id wins, as getpwuid(3) does.
 */
export function parseIdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    // NIS "+"/"-" entries and comments name nobody.
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-'))
      continue;
    const fields = line.split(':');
    const name = fields[0];
    const id = fields[2];
    if (name === undefined || id === undefined || !/^[^\s:]+$/.test(name) || !/^\d{1,10}$/.test(id))
      continue;
    const n = Number(id);
    if (n > 0xffffffff || names.has(n)) continue;
    names.set(n, name);
  }
  return names;
}
