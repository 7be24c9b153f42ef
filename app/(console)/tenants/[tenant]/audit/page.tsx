import type { Metadata } from "next";
import { loadPage } from "@/lib/server/page";
import { auditLogView } from "@/lib/views/audit-log";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/shell/page-header";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export const metadata: Metadata = { title: "Audit" };

type Search = Record<string, string | undefined>;

export default async function TenantAuditPage({
  params,
  searchParams,
}: {
  params: Promise<TenantRouteParams>;
  searchParams: Promise<Search>;
}) {
  const { tenant } = await params;
  const { actor, action, namespace, from, to, page } = await searchParams;
  const filters = { actor, action, namespace, from, to };
  const data = await loadPage(auditLogView, { ...filters, page, tenant });
  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Audit" }]}
        title="Audit"
        description="Every change in this tenant: who, when, what changed, and the outcome. Values and credentials are never recorded."
      />
      <AuditLog
        base={`/tenants/${tenant}/audit`}
        csv={`/api/tenants/${tenant}/audit/csv`}
        filters={filters}
        data={data}
        showTenant={false}
      />
    </div>
  );
}
