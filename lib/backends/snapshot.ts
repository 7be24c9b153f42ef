import "server-only";
import { BackendError } from "./backend-error";
import { serverEnv } from "../env";

/**
 * Lists are built from a full, sorted snapshot of what a configuration selects, kept for a few
 * seconds: exact totals, ignored counts, search and stable paging without asking the backend again
 * for every page. Writes through Keyhold drop the snapshot at once.
 */
export const SNAPSHOT_TTL_MS = serverEnv().KEYHOLD_LIST_CACHE_MS;

/** Backend pages followed before a list gives up with "too many secrets". */
export const MAX_BACKEND_PAGES = serverEnv().KEYHOLD_MAX_LIST_PAGES;

interface Cached<T> {
  value: Promise<T>;
  expires: number;
}

const holder = globalThis as unknown as { __keyholdSnapshots?: Map<string, Cached<unknown>> };
const cache = (holder.__keyholdSnapshots ??= new Map());

/** `ttlMs` keeps the value longer than a list (names someone asked for); a write through Keyhold drops it all the same. */
export async function cachedSnapshot<T>(
  key: string,
  load: () => Promise<T>,
  options: { refresh?: boolean; ttlMs?: number } = {},
): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key) as Cached<T> | undefined;
  if (hit && hit.expires > now && !options.refresh) return hit.value;
  const value = load();
  cache.set(key, { value, expires: now + (options.ttlMs ?? SNAPSHOT_TTL_MS) });
  value.catch(() => cache.delete(key));
  if (cache.size > 500) {
    for (const [k, v] of cache) if (v.expires <= now) cache.delete(k);
  }
  return value;
}

/** What is kept under `key`, without loading anything when nothing is. */
export function peekSnapshot<T>(key: string): Promise<T> | undefined {
  const hit = cache.get(key) as Cached<T> | undefined;
  return hit && hit.expires > Date.now() ? hit.value : undefined;
}

export function invalidateSnapshots(prefix: string): void {
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

/** Counts backend pages and stops a scan that would not end. */
export class PageBudget {
  private pages = 0;
  constructor(
    private readonly what: string,
    private readonly max = MAX_BACKEND_PAGES,
  ) {}
  spend(): void {
    if (++this.pages > this.max) {
      throw new BackendError(
        "too-many-secrets",
        `${this.what} returned more than ${this.max} pages of secrets. Too many secrets: narrow the configuration with filter-on-tags or filter-on-prefix.`,
      );
    }
  }
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new BackendError("invalid-input", "The page cursor is not valid; start from the first page.");
  return Number(match[1]);
}

export function pageSizeOf(requested: number | undefined): number {
  return Math.min(Math.max(Math.trunc(requested ?? 50), 1), 500);
}

/** Runs fn over items with at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
