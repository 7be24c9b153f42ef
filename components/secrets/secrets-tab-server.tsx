import "server-only";
import { loadPage } from "@/lib/server/page";
import type { PermissionSet } from "@/lib/auth/capabilities";
import { parseListQuery } from "@/lib/query/secret-keys";
import { secretsListView } from "@/lib/views/secrets-list";
import { tenantSecretsView } from "@/lib/views/tenant-secrets";
import { SecretsTab } from "./secrets-tab";

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The Secrets tab with its first page rendered on the server, in the page's first paint; later pages and searches come
 * from React Query. No Suspense boundary on purpose: React reveals a streamed boundary at the earliest 300 ms after the
 * shell's paint (react-dom's `$RC` throttle), which held the rows back that long while they were long ready; the page
 * read is one statement on the index (lib/secrets/list-cache.ts keeps the answer), so the shell waits for it instead.
 * `can` comes as the page's own guarded load, still running: the list is read beside it, not after it.
 */
export async function SecretsTabServer({
  tenant,
  namespace,
  can,
  searchParams,
}: {
  tenant: string;
  namespace: string | null;
  can: Promise<PermissionSet>;
  searchParams: SearchParams;
}) {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = parseListQuery((n) => first(searchParams[n]), namespace === null ? "namespace" : "key");
  const input = {
    tenant,
    search: query.search || undefined,
    sort: query.sort,
    dir: query.dir,
    cursor: query.cursor || undefined,
    filter: query.filter || undefined,
    pageSize: 50,
  };
  // The first page is rendered on the server, through the same guard as the route the browser uses: signed out → sign-in,
  // refused → 403 page. Any other failure leaves the tab to fetch the list itself and show the error in its banner.
  const [permissions, result] = await Promise.all([
    can,
    namespace === null
      ? loadPage(tenantSecretsView, input, { otherErrors: "return" })
      : loadPage(secretsListView, { ...input, namespace }, { otherErrors: "return" }),
  ]);
  return (
    <SecretsTab
      tenant={tenant}
      namespace={namespace}
      can={permissions}
      initial={result.ok ? { query, data: result.data } : undefined}
    />
  );
}
