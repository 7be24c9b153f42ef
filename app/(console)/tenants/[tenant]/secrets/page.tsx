import { Suspense } from "react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { SecretsTab } from "@/components/secrets/secrets-tab";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Secrets" };

export default async function TenantSecretsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Secrets" }]} title="Secrets" description="Every namespace's own secrets; open a namespace to create or edit them." />
      <Suspense>
        <SecretsTab tenant={tenant} namespace={null} />
      </Suspense>
    </div>
  );
}
