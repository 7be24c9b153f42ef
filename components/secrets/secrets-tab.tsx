"use client";
import Link from "@/components/ui/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Lock, Plus, RefreshCw, Search, ShieldCheck } from "lucide-react";
import { verifyConnectionAction } from "@/lib/actions/managers/verify-connection";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { BackendSummaryLine } from "@/components/backends/backend-card";
import { parseListQuery, type SecretListQuery } from "@/lib/query/secret-keys";
import type { PermissionSet } from "@/lib/auth/capabilities";
import type { SecretRowView, SecretsList } from "@/lib/views/secrets-list";
import { DeleteSecretDialog } from "./delete-dialog";
import { DeletedSecrets } from "./deleted-secrets";
import { ExpressionPanel } from "./expression-panel";
import { FreshnessLine } from "./freshness-line";
import { IgnoredLine } from "./ignored-line";
import { LIFECYCLE_FILTER_LABELS, LifecycleFilterSelect } from "./lifecycle";
import { SecretDrawer } from "./secret-drawer";
import { SecretsTable } from "./secrets-table";
import { RequestError, useDeleteSecret, useSecretsList } from "./use-secrets";
import { VerifyResult, type VerifyOutcomeView } from "./verify-result";

/** Where read-only can be turned off: the configuration file, or the dedicated manager's settings page. */
function readOnlyHint(backend: SecretsList["backend"], tenant: string, namespace: string) {
  if (backend.sourceKind === "file") {
    return "Read-only comes from the configuration file (read-only: true). To manage secrets here, set read-only: false in the file, or configure a dedicated manager for this namespace.";
  }
  const settings =
    backend.sourceKind === "namespace"
      ? `/tenants/${tenant}/namespaces/${backend.sourceNamespace}/edit`
      : `/tenants/${tenant}/settings`;
  return (
    <>
      To manage secrets here, turn read-only off in the settings of the dedicated manager that serves this namespace (
      <Link href={settings} className="underline">
        {backend.sourceKind === "namespace" ? `namespace ${backend.sourceNamespace}` : `tenant ${tenant}`}
      </Link>
      )
      {backend.sourceKind === "namespace" && backend.sourceNamespace === namespace
        ? ""
        : ", or configure a dedicated manager for this namespace"}
      .
    </>
  );
}

function useUrlQuery(
  defaultSort: SecretListQuery["sort"],
): [SecretListQuery, (patch: Partial<SecretListQuery>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const query = parseListQuery((n) => params.get(n), defaultSort);
  // The History API updates useSearchParams without a server round trip (the list comes from React Query).
  const set = (patch: Partial<SecretListQuery>) => {
    const next = { ...query, ...patch };
    const sp = new URLSearchParams();
    if (next.search) sp.set("q", next.search);
    if (next.sort !== defaultSort) sp.set("sort", next.sort);
    if (next.dir !== "asc") sp.set("dir", next.dir);
    if (next.cursor) sp.set("cursor", next.cursor);
    if (next.filter) sp.set("filter", next.filter);
    window.history.replaceState(null, "", `${pathname}${sp.size ? `?${sp}` : ""}`);
  };
  return [query, set];
}

function Skeleton() {
  return (
    <div className="space-y-2 p-4" aria-busy="true" aria-label="Loading secrets">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="h-8 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      ))}
    </div>
  );
}

/** A backend failure inside the table card, with the verify shortcut when the role may verify. */
function ListError({ title, message, onVerify }: { title: string; message: string; onVerify?: () => void }) {
  return (
    <div className="p-3" data-testid="secrets-error">
      <Alert tone="error" title={title}>
        <p>{message}</p>
        {onVerify ? (
          <Button variant="secondary" size="sm" className="mt-2" onClick={onVerify}>
            Verify connection
          </Button>
        ) : null}
      </Alert>
    </div>
  );
}

/**
 * A namespace's Secrets tab, or with `namespace` null the tenant's (every namespace, edited in its own tab). `can` is
 * what the caller's role allows here (secret:write, config:verify, secret:check, from the server's permission matrix);
 * the server refuses the rest anyway.
 */
export function SecretsTab({
  tenant,
  namespace,
  can,
  initial,
}: {
  tenant: string;
  namespace: string | null;
  can: PermissionSet;
  initial?: { query: SecretListQuery; data: SecretsList };
}) {
  // The tenant's tab lists one key of several namespaces: in namespace order unless the URL says otherwise.
  const [query, setQuery] = useUrlQuery(namespace === null ? "namespace" : "key");
  const [search, setSearch] = useState(query.search);
  const list = useSecretsList(tenant, namespace, query, initial);
  const remove = useDeleteSecret(tenant, namespace ?? "", query);
  const [drawer, setDrawer] = useState<{ row: SecretRowView | null } | null>(null);
  const [deleting, setDeleting] = useState<SecretRowView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyOutcomeView | null>(null);
  const [verifying, startVerify] = useTransition();

  useEffect(() => {
    if (search === query.search) return;
    const t = setTimeout(() => setQuery({ search, cursor: "" }), 80);
    return () => clearTimeout(t);
  }, [search]); // eslint-disable-line react-hooks/exhaustive-deps

  const data = list.data;
  const backend = data?.backend;
  const error = list.error as RequestError | null;
  const runVerify = () =>
    startVerify(async () => {
      const r = await verifyConnectionAction({ tenant, namespace });
      setVerify(
        r.ok
          ? r.data
          : {
              status: r.error.code,
              ok: false,
              latencyMs: null,
              checked: null,
              message: r.error.message,
              explanation: "",
              at: new Date().toISOString(),
            },
      );
    });

  return (
    <div className="space-y-4">
      {backend ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <BackendSummaryLine backend={backend} />
          {can["config:verify"] ? (
            <Button variant="secondary" size="sm" onClick={runVerify} disabled={verifying}>
              <ShieldCheck className={verifying ? "size-4 animate-pulse" : "size-4"} aria-hidden />{" "}
              {verifying ? "Verifying…" : "Verify connection"}
            </Button>
          ) : null}
        </div>
      ) : null}
      {verify ? <VerifyResult outcome={verify} /> : null}
      {namespace && backend?.readOnly ? (
        <Alert tone="warning" title="Read-only secrets manager" data-testid="read-only-banner">
          {backend.label} serves this namespace in read-only mode ({backend.sourceLabel.toLowerCase()}). Keyhold shows
          its secrets but cannot create, edit or delete them; change them in {backend.label}.
        </Alert>
      ) : null}
      {notice ? (
        <Alert tone="success" data-testid="secrets-notice">
          {notice}
        </Alert>
      ) : null}
      {remove.error ? (
        <Alert tone="error">{(remove.error as RequestError).shape?.message ?? "Delete failed."}</Alert>
      ) : null}

      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
          <div className="relative min-w-56 flex-1">
            <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-zinc-400" aria-hidden />
            <label htmlFor="secret-search" className="sr-only">
              Search secrets by key or tag
            </label>
            <input
              id="secret-search"
              type="search"
              placeholder="Search by key or tag"
              className={`${inputClass} pl-8`}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <LifecycleFilterSelect value={query.filter} onChange={(filter) => setQuery({ filter, cursor: "" })} />
          <Button
            variant="secondary"
            onClick={() => void list.refresh()}
            aria-label="Refresh"
            disabled={list.isFetching}
          >
            <RefreshCw className={list.isFetching ? "size-4 animate-spin" : "size-4"} aria-hidden />
          </Button>
          {namespace && backend && !backend.readOnly && can["secret:write"] ? (
            <Button onClick={() => setDrawer({ row: null })}>
              <Plus className="size-4" aria-hidden /> Create New Secret
            </Button>
          ) : null}
        </div>

        {list.isPending ? (
          <Skeleton />
        ) : error ? (
          <ListError
            title={`Cannot list secrets: ${error.shape?.code ?? "error"}`}
            message={error.shape?.message ?? error.message}
            onVerify={can["config:verify"] ? runVerify : undefined}
          />
        ) : data ? (
          <>
            {data.errors.map((e) => (
              <ListError
                key={e.namespace}
                title={`${e.namespace}: refresh failed: ${e.code}${e.code === "throttled" ? ", retrying" : ""}`}
                message={e.message}
                onVerify={can["config:verify"] ? runVerify : undefined}
              />
            ))}
            {data.rows.length ? (
              <div className="overflow-x-auto">
                <SecretsTable
                  tenant={tenant}
                  namespace={namespace}
                  rows={data.rows}
                  query={query}
                  onSort={(c) =>
                    setQuery({ sort: c, dir: query.sort === c && query.dir === "asc" ? "desc" : "asc", cursor: "" })
                  }
                  onEdit={namespace && can["secret:write"] ? (r) => setDrawer({ row: r }) : undefined}
                  onDelete={namespace && can["secret:write"] ? setDeleting : undefined}
                />
              </div>
            ) : data.errors.length ? null : (
              <div className="px-5 py-10 text-center text-sm text-zinc-500" data-testid="secrets-empty">
                {query.filter ? (
                  <p>No secret matches “{LIFECYCLE_FILTER_LABELS[query.filter]}”.</p>
                ) : query.search ? (
                  <p>No secret matches “{query.search}”.</p>
                ) : namespace === null ? (
                  <p>No secrets in any namespace of {tenant} yet.</p>
                ) : backend?.readOnly ? (
                  <p>
                    {backend.label} holds no secret for {namespace}. Secrets appear here when they carry the tags{" "}
                    <code>namespace={namespace}</code>, <code>key</code> and the configured <code>prefix</code>, or
                    match the configured filters.
                  </p>
                ) : (
                  <p>No secrets in {namespace} yet. Use Create New Secret to add the first.</p>
                )}
              </div>
            )}
            <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2 text-xs text-zinc-500 dark:border-zinc-800">
              <span aria-live="polite" data-testid="secrets-count">
                {data.total.toLocaleString("en")} secret{data.total === 1 ? "" : "s"}
              </span>
              <FreshnessLine freshness={data.freshness} />
              <IgnoredLine ignored={data.ignored} />
              {data.nextCursor || data.prevCursor ? (
                <span className="flex gap-1">
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={!data.prevCursor}
                    onClick={() => setQuery({ cursor: data.prevCursor ?? "" })}
                  >
                    Previous
                  </Button>
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={!data.nextCursor}
                    onClick={() => setQuery({ cursor: data.nextCursor ?? "" })}
                  >
                    Next
                  </Button>
                </span>
              ) : null}
            </div>
          </>
        ) : null}
      </Card>

      {namespace && backend?.softDelete ? (
        <DeletedSecrets tenant={tenant} namespace={namespace} canWrite={!!can["secret:write"]} />
      ) : null}

      {namespace && can["secret:check"] ? (
        <Card className="p-4">
          <ExpressionPanel tenant={tenant} namespace={namespace} />
        </Card>
      ) : null}

      {namespace && backend?.readOnly ? (
        <p className="flex items-center gap-1.5 text-xs text-zinc-500" data-testid="read-only-hint">
          <Lock className="size-3 shrink-0" aria-hidden />
          {/* One text flow: as flex items, the link and its parentheses would be spaced apart. */}
          <span>{readOnlyHint(backend, tenant, namespace)}</span>
        </p>
      ) : null}
      {drawer && namespace ? (
        <SecretDrawer
          key={drawer.row?.key ?? "new"}
          tenant={tenant}
          namespace={namespace}
          row={drawer.row}
          open
          onClose={() => setDrawer(null)}
          onSaved={setNotice}
        />
      ) : null}
      {deleting && namespace ? (
        <DeleteSecretDialog
          open
          secretKey={deleting.key}
          namespace={namespace}
          backendLabel={deleting.backendLabel}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const key = deleting.key;
            setDeleting(null);
            remove.mutate(key, { onSuccess: () => setNotice(`Deleted ${key}.`) });
          }}
        />
      ) : null}
    </div>
  );
}
