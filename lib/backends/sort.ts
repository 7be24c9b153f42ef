/** Case-insensitive order by key, ties by exact text. Cheaper than localeCompare (ICU) on thousands of keys. */
export function compareKeys(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts in place by `keyOf`, lowering each key once rather than at every comparison. */
export function sortByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  const decorated = items.map((item) => ({ item, key: keyOf(item), lower: keyOf(item).toLowerCase() }));
  decorated.sort((a, b) => (a.lower !== b.lower ? (a.lower < b.lower ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < items.length; i++) items[i] = decorated[i].item;
  return items;
}
