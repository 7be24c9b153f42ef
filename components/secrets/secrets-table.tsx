"use client";
import Link from "@/components/ui/link";
import { useState } from "react";
import { ArrowDown, ArrowUp, Lock, Pencil, Trash2 } from "lucide-react";
import type { SecretRowView } from "@/lib/views/secrets-list";
import type { SecretListQuery } from "@/lib/query/secret-keys";
import { Badge } from "@/components/ui/badge";
import { CopyExpression } from "./copy-expression";
import { LifecycleCell } from "./lifecycle";
import { ShowSubkeys } from "./show-subkeys";
import type { ShownSubkeys } from "@/lib/secrets/secret-lookup";

const SYSTEM_TAGS = new Set(["tenant", "namespace", "key", "prefix"]);

function SortHeader({
  label,
  column,
  query,
  onSort,
}: {
  label: string;
  column: SecretListQuery["sort"];
  query: SecretListQuery;
  onSort: (c: SecretListQuery["sort"]) => void;
}) {
  const active = query.sort === column;
  return (
    <th
      scope="col"
      aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : "none"}
      className="px-4 py-2 font-medium"
    >
      <button
        type="button"
        onClick={() => onSort(column)}
        className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-zinc-900 dark:hover:text-zinc-100"
      >
        {label}
        {active ? (
          query.dir === "asc" ? (
            <ArrowUp className="size-3" aria-hidden />
          ) : (
            <ArrowDown className="size-3" aria-hidden />
          )
        ) : null}
      </button>
    </th>
  );
}

/** The scope of a secret without a namespace of its own: the file's backend serves every tenant. */
const scopeOf = (r: SecretRowView) => (r.sourceKind === "file" ? "every tenant (configuration file)" : "whole tenant");

/** `namespace` null: the tenant-wide table, where rows link to their namespace and are edited there. */
export function SecretsTable({
  tenant,
  namespace,
  rows,
  query,
  onSort,
  onEdit,
  onDelete,
}: {
  tenant: string;
  namespace: string | null;
  rows: SecretRowView[];
  query: SecretListQuery;
  onSort: (c: SecretListQuery["sort"]) => void;
  onEdit?: (r: SecretRowView) => void;
  onDelete?: (r: SecretRowView) => void;
}) {
  // Subkey names read on demand, by row, for these rows only: the server keeps them too, so the next list brings them
  // itself, or (after a write through Keyhold dropped them) offers the control again.
  // With them, the latest version where the backend reads it apart from the list (Google).
  const [read, setRead] = useState<{
    rows: SecretRowView[];
    names: Record<string, string[]>;
    latest: Record<string, NonNullable<ShownSubkeys["latest"]>>;
  }>({ rows, names: {}, latest: {} });
  const shown = read.rows === rows ? read.names : {};
  const latest = read.rows === rows ? read.latest : {};
  return (
    <table className="w-full text-left text-sm" data-testid="secrets-table">
      <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
        <tr>
          <SortHeader label="Key" column="key" query={query} onSort={onSort} />
          <SortHeader label="Namespace" column="namespace" query={query} onSort={onSort} />
          <th scope="col" className="px-4 py-2 font-medium">
            Description
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Tags
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Subkeys
          </th>
          <SortHeader label="Last changed" column="updated" query={query} onSort={onSort} />
          <th scope="col" className="px-4 py-2 font-medium">
            Backend
          </th>
          <th scope="col" className="px-4 py-2 text-right font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {rows.map((r, i) => {
          const tags = Object.entries(r.tags).filter(([k]) => !SYSTEM_TAGS.has(k));
          const editable = !r.readOnly && !r.inherited && !!onEdit && !!onDelete;
          const id = `${r.source}/${r.key}`;
          const subkeys = r.subkeys ?? (Object.hasOwn(shown, id) ? shown[id] : null);
          const version = Object.hasOwn(latest, id) ? latest[id] : null;
          // As the next list will show it: the version, and Last changed its creation time.
          const life = version
            ? {
                ...r,
                updatedAt: version.createdAt ?? r.updatedAt,
                lifecycle: { ...r.lifecycle, version: version.version, versionCreatedAt: version.createdAt },
              }
            : r;
          return (
            <tr key={id} data-secret-key={r.key} data-inherited={r.inherited} className="align-top">
              <td className="px-4 py-2.5">
                <span
                  className="flex items-center gap-1.5 font-mono text-xs font-medium"
                  // Chromium's Element Timing reports when the first row's key was painted (scripts/bench/secrets-page).
                  {...(i === 0 ? { elementtiming: "first-secret-row" } : {})}
                >
                  {r.readOnly ? (
                    <span
                      title={`Read-only: ${r.backendLabel} is the source of truth; Keyhold does not change its secrets.`}
                      data-testid="lock-icon"
                    >
                      <Lock
                        className="size-3.5 text-amber-600"
                        aria-label={`Read-only: ${r.key} cannot be edited here`}
                      />
                    </span>
                  ) : null}
                  {r.key}
                </span>
              </td>
              <td className="px-4 py-2.5 text-xs">
                {namespace === null ? (
                  <Link
                    href={`/tenants/${tenant}/namespaces/${r.source}/secrets`}
                    className="font-mono hover:underline"
                  >
                    {r.namespace === null ? `${r.source} (${scopeOf(r)})` : r.source}
                  </Link>
                ) : r.inherited ? (
                  <Link
                    href={`/tenants/${tenant}/namespaces/${r.source}/secrets`}
                    className="text-zinc-500 hover:underline"
                    data-testid="inherited-from"
                  >
                    inherited from {r.source}
                  </Link>
                ) : (
                  <span className="font-mono">{r.namespace ?? (r.source === namespace ? scopeOf(r) : r.source)}</span>
                )}
              </td>
              <td
                className="max-w-56 truncate px-4 py-2.5 text-xs text-zinc-600 dark:text-zinc-400"
                title={r.description ?? undefined}
              >
                {r.description}
              </td>
              <td className="px-4 py-2.5">
                <span className="flex flex-wrap gap-1">
                  {tags.map(([k, v]) => (
                    <Badge key={k} tone="indigo">
                      {k}={v}
                    </Badge>
                  ))}
                </span>
              </td>
              <td className="px-4 py-2.5 font-mono text-xs text-zinc-600 dark:text-zinc-400" data-testid="subkeys">
                {subkeys ? (
                  subkeys.length ? (
                    subkeys.join(", ")
                  ) : (
                    <span className="font-sans text-zinc-400">none</span>
                  )
                ) : (
                  <ShowSubkeys
                    tenant={tenant}
                    namespace={namespace ?? r.source}
                    secretKey={r.key}
                    onShown={(names, found) =>
                      setRead((cur) => {
                        const same = cur.rows === rows;
                        return {
                          rows,
                          names: { ...(same ? cur.names : {}), [id]: names },
                          latest: { ...(same ? cur.latest : {}), ...(found ? { [id]: found } : {}) },
                        };
                      })
                    }
                  />
                )}
              </td>
              <td className="px-4 py-2.5 text-xs" data-testid="lifecycle">
                <LifecycleCell row={life} />
              </td>
              <td className="px-4 py-2.5 text-xs">{r.backendLabel}</td>
              <td className="px-4 py-2.5">
                <span className="flex items-center justify-end gap-0.5">
                  <CopyExpression secretKey={r.key} subkeys={subkeys ?? []} />
                  {editable ? (
                    <>
                      <button
                        type="button"
                        onClick={() => onEdit?.(r)}
                        aria-label={`Edit ${r.key}`}
                        className="inline-flex size-7 items-center justify-center rounded text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800"
                      >
                        <Pencil className="size-3.5" aria-hidden />
                      </button>
                      <button
                        type="button"
                        onClick={() => onDelete?.(r)}
                        aria-label={`Delete ${r.key}`}
                        className="inline-flex size-7 items-center justify-center rounded text-zinc-500 hover:bg-red-50 hover:text-red-700 dark:hover:bg-red-950"
                      >
                        <Trash2 className="size-3.5" aria-hidden />
                      </button>
                    </>
                  ) : null}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
