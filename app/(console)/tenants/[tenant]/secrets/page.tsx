import { Suspense } from "react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { SecretsTab } from "@/components/secrets/secrets-tab";
import { loadPage } from "@/lib/server/page";
import { tenantShellView } from "@/lib/views/console-shell";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Secrets" };

export default async function TenantSecretsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const { can } = await loadPage(tenantShellView, { tenant });
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Secrets" }]} title="Secrets" description="Every namespace's own secrets; open a namespace to create or edit them." />
      <Suspense>
        <SecretsTab tenant={tenant} namespace={null} can={{ write: false, verify: can.verify, check: false }} />
      </Suspense>
    </div>
  );
}
