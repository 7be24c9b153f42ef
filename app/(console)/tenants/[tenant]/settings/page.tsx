import type { Metadata } from "next";
import { loadPage } from "@/lib/server/page";
import { managerSettingsView } from "@/lib/views/manager-settings";
import { PageHeader } from "@/components/shell/page-header";
import { ManagerSettingsPanel } from "@/components/settings/manager-settings-panel";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Tenant settings" };

export default async function TenantSettingsPage({ params }: { params: Promise<TenantRouteParams> }) {
  const { tenant } = await params;
  const view = await loadPage(managerSettingsView, { tenant });
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Settings" }]}
        title="Tenant settings"
        description="A dedicated secrets manager here serves every namespace of the tenant that has none of its own."
      />
      <ManagerSettingsPanel tenant={tenant} namespace={null} view={view} />
    </div>
  );
}
