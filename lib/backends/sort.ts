/** Case-insensitive order by key, ties by exact text. Cheaper than localeCompare (ICU) on thousands of keys. */
export function compareKeys(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

