import type { Metadata } from "next";
import { loadPage } from "@/lib/server/page";
import { auditLogView } from "@/lib/views/audit-log";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Audit log" };

type Search = Record<string, string | undefined>;

/** Instance-wide audit log, sign-ins included; the guard admits instance administrators only. */
export default async function InstanceAuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { actor, action, namespace, from, to, page } = await searchParams;
  const filters = { actor, action, namespace, from, to };
  const data = await loadPage(auditLogView, { ...filters, page });
  return (
    <main id="main" className="mx-auto w-full max-w-6xl space-y-6 p-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: "Audit log" }]}
        title="Audit log"
        description="Every tenant's events and every sign-in."
      />
      <AuditLog base="/audit" csv="/api/audit/csv" filters={filters} data={data} showTenant />
    </main>
  );
}
