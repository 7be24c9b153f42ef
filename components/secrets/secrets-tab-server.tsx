import "server-only";
import { Suspense } from "react";
import { loadPage } from "@/lib/server/page";
import type { PermissionSet } from "@/lib/auth/capabilities";
import { parseListQuery } from "@/lib/query/secret-keys";
import { secretsListView } from "@/lib/views/secrets-list";
import { tenantSecretsView } from "@/lib/views/tenant-secrets";
import { SecretsTab } from "./secrets-tab";

type SearchParams = Record<string, string | string[] | undefined>;

function ListSkeleton() {
  return (
    <div
      className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
      aria-busy="true"
      aria-label="Loading secrets"
    >
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="h-8 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      ))}
    </div>
  );
}

async function Prefetched({
  tenant,
  namespace,
  can,
  searchParams,
}: {
  tenant: string;
  namespace: string | null;
  can: PermissionSet;
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
  const result =
    namespace === null
      ? await loadPage(tenantSecretsView, input, { otherErrors: "return" })
      : await loadPage(secretsListView, { ...input, namespace }, { otherErrors: "return" });
  return (
    <SecretsTab
      tenant={tenant}
      namespace={namespace}
      can={can}
      initial={result.ok ? { query, data: result.data } : undefined}
    />
  );
}

/** The Secrets tab with its first page streamed from the server; later pages and searches come from React Query. */
export function SecretsTabServer(props: {
  tenant: string;
  namespace: string | null;
  can: PermissionSet;
  searchParams: SearchParams;
}) {
  return (
    <Suspense fallback={<ListSkeleton />}>
      <Prefetched {...props} />
    </Suspense>
  );
}
