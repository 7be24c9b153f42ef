// The one meaning of a secrets search (the Secrets tab's search box): the index's SQL (lib/secrets/index) and the
// in-memory lists of tests both follow it.

/** The needle of a search: trimmed and lower-cased; null when there is nothing to search for. */
export function searchNeedle(search: string | undefined | null): string | null {
  const needle = search?.trim().toLowerCase();
  return needle ? needle : null;
}

/**
 * Whether a secret matches a search: a case-insensitive substring of its key, or of one of its tags
 * written `key=value` (so of a tag key or a tag value too).
 */
export function matchesSearch(
  secret: { key: string; tags: Record<string, string> },
  search: string | undefined | null,
): boolean {
  const needle = searchNeedle(search);
  if (!needle) return true;
  return (
    secret.key.toLowerCase().includes(needle) ||
    Object.entries(secret.tags).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle))
  );
}

/** The items matching a search, in their order; all of them when the search is empty. */
export function searchSecrets<T>(
  items: T[],
  search: string | undefined | null,
  secretOf: (item: T) => { key: string; tags: Record<string, string> },
): T[] {
  return searchNeedle(search) ? items.filter((item) => matchesSearch(secretOf(item), search)) : items;
}
