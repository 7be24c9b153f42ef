import type { ReactNode } from "react";
import { namespaceLineage } from "@/lib/tenancy/names";
import { loadPage } from "@/lib/server/page";
import { namespaceView } from "@/lib/views/console-shell";
import { PageHeader } from "@/components/shell/page-header";
import { NamespaceTabs } from "@/components/shell/namespace-tabs";
import type { NamespaceRouteParams } from "@/lib/tenancy/route-params";

export default async function NamespaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<NamespaceRouteParams>;
}) {
  const { tenant, namespace } = await params;
  const { can } = await loadPage(namespaceView, { tenant, namespace });
  const lineage = namespaceLineage(namespace);
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        crumbs={[
          { label: "Tenants", href: "/" },
          { label: tenant, href: `/tenants/${tenant}` },
          ...lineage.map((p, i) => ({
            label: p.split(".").pop()!,
            href: i < lineage.length - 1 ? `/tenants/${tenant}/namespaces/${p}` : undefined,
          })),
        ]}
        title={<span className="font-mono">{namespace}</span>}
      />
      <NamespaceTabs base={`/tenants/${tenant}/namespaces/${namespace}`} can={can} />
      {children}
    </div>
  );
}
