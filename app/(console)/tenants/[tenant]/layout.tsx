import type { ReactNode } from "react";
import { loadPage } from "@/lib/server/page";
import { tenantShellView } from "@/lib/views/console-shell";
import { TenantSidebar } from "@/components/shell/tenant-sidebar";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<TenantRouteParams>;
}) {
  const { tenant } = await params;
  const shell = await loadPage(tenantShellView, { tenant });
  return (
    <>
      <TenantSidebar tenant={shell.tenant} tenants={shell.tenants} tree={shell.tree} can={shell.can} />
      <main id="main" className="min-w-0 flex-1 p-6">
        {children}
      </main>
    </>
  );
}
