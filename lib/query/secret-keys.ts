/** TanStack Query keys for secrets: one factory so invalidation can be exact. */
export interface SecretListQuery {
  search: string;
  sort: "key" | "namespace" | "updated";
  dir: "asc" | "desc";
  /** The page's keyset cursor (`a.…` after a row, `b.…` before one); "" for the first page. */
  cursor: string;
  /** "" for every secret, or one lifecycle filter (lib/secrets/index/lifecycle.ts). */
  filter: "" | "expiring" | "disabled" | "stale";
}

export const secretKeys = {
  all: ["secrets"] as const,
  tenant: (tenant: string) => ["secrets", tenant] as const,
  namespace: (tenant: string, namespace: string) => ["secrets", tenant, namespace] as const,
  list: (tenant: string, namespace: string, query: SecretListQuery) =>
    ["secrets", tenant, namespace, "list", query] as const,
  deleted: (tenant: string, namespace: string) => ["secrets", tenant, namespace, "deleted"] as const,
};

/** A change in `namespace` shows in its own list and in every descendant's (they inherit it). */
export function affectsNamespace(key: readonly unknown[], tenant: string, namespace: string): boolean {
  const [root, t, ns] = key;
  // "*" is the tenant's Secrets tab, which lists every namespace.
  return (
    root === "secrets" &&
    t === tenant &&
    typeof ns === "string" &&
    (ns === "*" || ns === namespace || ns.startsWith(`${namespace}.`))
  );
}

/** Reads the list state kept in the URL (`?q=&sort=&dir=&cursor=&filter=`), the same on the server and in the browser. */
export function parseListQuery(
  get: (name: string) => string | null | undefined,
  /** The tab's order when the URL names none: the key on a namespace's tab, the namespace on the tenant's. */
  defaultSort: SecretListQuery["sort"] = "key",
): SecretListQuery {
  const sort = get("sort");
  const filter = get("filter");
  return {
    search: get("q") ?? "",
    sort: sort === "key" || sort === "namespace" || sort === "updated" ? sort : defaultSort,
    dir: get("dir") === "desc" ? "desc" : "asc",
    cursor: /^[ab]\.[A-Za-z0-9_-]{1,4000}$/.test(get("cursor") ?? "") ? get("cursor")! : "",
    filter: filter === "expiring" || filter === "disabled" || filter === "stale" ? filter : "",
  };
}
