import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { SecretsTabServer } from "@/components/secrets/secrets-tab-server";
import { loadPage } from "@/lib/server/page";
import { tenantShellView } from "@/lib/views/console-shell";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Secrets" };

export default async function TenantSecretsPage({
  params,
  searchParams,
}: {
  params: Promise<TenantRouteParams>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant } = await params;
  const query = await searchParams;
  // Not awaited here: the Secrets tab reads its first page beside this guarded load.
  const can = loadPage(tenantShellView, { tenant }).then((v) => ({ "config:verify": v.can["config:verify"] }));
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Secrets" }]}
        title="Secrets"
        description="Every namespace's own secrets; open a namespace to create or edit them."
      />
      <SecretsTabServer tenant={tenant} namespace={null} can={can} searchParams={query} />
    </div>
  );
}
