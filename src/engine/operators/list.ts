/** Splits a comma-separated flag value the way Kubernetes' string-slice flags do. */
export function splitList(value: string): string[] {
  const items: string[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item.length > 0) items.push(item);
  }
  return items;
}

const itemSets = new Map<string, ReadonlySet<string>>();

/**
 * The items of a comma-separated value as a set, for the item operators. Several controls test
 * the same flag value (the admission plugins, 1.1.x), so recent values keep their items.
 */
export function listItems(value: string): ReadonlySet<string> {
  let items = itemSets.get(value);
  if (items === undefined) {
    if (itemSets.size >= 64) itemSets.clear();
    items = new Set(splitList(value));
    itemSets.set(value, items);
  }
  return items;
}
