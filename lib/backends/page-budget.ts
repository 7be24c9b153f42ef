import "server-only";
import { BackendError } from "./backend-error";
import { serverEnv } from "../env";

/** Backend pages a scan follows before it gives up with "too many secrets". */
export const MAX_BACKEND_PAGES = serverEnv().KEYHOLD_MAX_LIST_PAGES;

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
        `${this.what} returned more than ${this.max} pages of secrets. Too many secrets: narrow the configuration with filter-on-tags or filter-on-prefix, or raise KEYHOLD_MAX_LIST_PAGES.`,
      );
    }
  }
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
