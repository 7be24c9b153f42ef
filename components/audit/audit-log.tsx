import Link from "@/components/ui/link";
import { Download } from "lucide-react";
import type { AuditRow } from "@/lib/audit/query";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

type Filters = Partial<Record<"actor" | "action" | "namespace" | "from" | "to", string>>;

function query(filters: Filters, page?: number) {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  if (page && page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The audit table with its filters (a GET form, so the state lives in the URL) and a CSV link for the same filters. */
export function AuditLog({
  base,
  csv,
  filters,
  data,
  showTenant,
}: {
  base: string;
  csv: string;
  filters: Filters;
  data: { rows: AuditRow[]; total: number; page: number; pageCount: number };
  showTenant: boolean;
}) {
  const field = (name: keyof Filters, label: string, type = "text") => (
    <label className="space-y-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
      <span className="block">{label}</span>
      <input
        name={name}
        type={type}
        defaultValue={filters[name] ?? ""}
        maxLength={name === "actor" ? 254 : 255}
        className={inputClass}
      />
    </label>
  );
  return (
    <div className="space-y-4">
      <form method="get" action={base} className="grid items-end gap-3 sm:grid-cols-6" aria-label="Filter audit events">
        {field("actor", "Actor")}
        {field("action", "Action")}
        {field("namespace", "Namespace")}
        {field("from", "From", "date")}
        {field("to", "To", "date")}
        <div className="flex gap-2">
          <button type="submit" className={buttonClass("secondary")}>
            Filter
          </button>
          <a href={`${csv}${query(filters)}`} className={buttonClass("ghost")} download>
            <Download className="size-4" aria-hidden /> CSV
          </a>
        </div>
      </form>
      <p className="text-sm text-zinc-500" data-testid="audit-total">
        {data.total} event{data.total === 1 ? "" : "s"}
      </p>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <thead className="bg-zinc-50 text-xs uppercase text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th className="px-3 py-2">When (UTC)</th>
              {showTenant ? <th className="px-3 py-2">Tenant</th> : null}
              <th className="px-3 py-2">Namespace</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Outcome</th>
              <th className="px-3 py-2">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {data.rows.map((r) => (
              <tr key={r.id} data-audit-action={r.action} data-audit-outcome={r.outcome}>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{r.at.replace("T", " ").slice(0, 19)}</td>
                {showTenant ? <td className="px-3 py-2">{r.tenant ?? "—"}</td> : null}
                <td className="px-3 py-2 font-mono text-xs">{r.namespace ?? "—"}</td>
                <td className="px-3 py-2">{r.actor}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.action}</td>
                <td className="px-3 py-2">{r.outcome}</td>
                <td className="max-w-md truncate px-3 py-2 font-mono text-xs" title={r.details}>
                  {r.details}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="flex items-center gap-3 text-sm" aria-label="Audit pages">
        {data.page > 1 ? <Link href={`${base}${query(filters, data.page - 1)}`}>Previous</Link> : null}
        <span>
          Page {data.page} of {data.pageCount}
        </span>
        {data.page < data.pageCount ? <Link href={`${base}${query(filters, data.page + 1)}`}>Next</Link> : null}
      </nav>
    </div>
  );
}
