// Test kit: a namespace's list computed in memory from an adapter's scan (visibility as classify.ts's ownedBy,
// search.ts's search, sort.ts's order), so adapter suites check what a scan yields in the words of a list. The
// product serves lists from the secrets index (lib/secrets/index), whose SQL the index suites compare to the same rules.
import type { Attachment, IgnoreReason, IndexedSecret, SecretsBackend } from "../../lib/backends/adapter";
import { matchesSearch } from "../../lib/backends/search";
import { compareKeys } from "../../lib/backends/sort";

export interface ListedQuery {
  tenant: string;
  namespace: string;
  search?: string;
  keys?: string[];
  cursor?: string | null;
  pageSize?: number;
  refresh?: boolean;
}

export interface ListedItem {
  key: string;
  namespace: string | null;
  description: string | null;
  tags: Record<string, string>;
  subkeys: string[] | null;
  updatedAt: string | null;
  backend: string;
}

export interface ListedPage {
  items: ListedItem[];
  total: number;
  nextCursor: string | null;
  ignored: Partial<Record<IgnoreReason, number>>;
}

export async function scanAll(backend: SecretsBackend): Promise<IndexedSecret[]> {
  const all: IndexedSecret[] = [];
  for await (const page of backend.scan()) all.push(...page);
  return all;
}

export async function scanList(backend: SecretsBackend, attachment: Attachment, q: ListedQuery): Promise<ListedPage> {
  const all = await scanAll(backend);
  const ignored: Partial<Record<IgnoreReason, number>> = {};
  for (const e of all) {
    const reason: IgnoreReason | null =
      e.ignored ?? (e.tenantTag !== null && e.tenantTag !== q.tenant ? "other-tenant" : null);
    if (reason) ignored[reason] = (ignored[reason] ?? 0) + 1;
  }
  const visible = all
    .filter(
      (e) =>
        e.key !== null &&
        !e.ignored &&
        (e.tenantTag === null || e.tenantTag === q.tenant) &&
        (e.namespace === q.namespace ||
          (e.namespace === null && (attachment.namespace === null || attachment.namespace === q.namespace))),
    )
    .filter((e) => !q.keys || q.keys.includes(e.key!))
    .filter((e) => matchesSearch({ key: e.key!, tags: e.tags }, q.search))
    .sort((a, b) => compareKeys(a.key!, b.key!) || compareKeys(a.backendName, b.backendName));
  const offset = q.cursor ? Number(q.cursor) : 0;
  const size = q.pageSize ?? 50;
  return {
    items: visible.slice(offset, offset + size).map((e) => ({
      key: e.key!,
      namespace: e.namespace,
      description: e.description,
      tags: e.tags,
      subkeys: e.subkeys,
      updatedAt: e.updatedAt === null ? null : new Date(e.updatedAt).toISOString(),
      backend: backend.type,
    })),
    total: visible.length,
    nextCursor: offset + size < visible.length ? String(offset + size) : null,
    ignored,
  };
}

/** The backend with a `list` computed from its scan, for suites written in the words of a list. */
export type ListableBackend = SecretsBackend & { list(q: ListedQuery): Promise<ListedPage> };

export function listable(backend: SecretsBackend, attachment: Attachment): ListableBackend {
  return Object.assign(backend, { list: (q: ListedQuery) => scanList(backend, attachment, q) });
}
