import Link from "@/components/ui/link";
import type { Metadata } from "next";
import { Settings } from "lucide-react";
import { loadPage } from "@/lib/server/page";
import { tenantOverviewView } from "@/lib/views/tenant-overview";
import { Card, CardHeader } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/shell/page-header";
import { BackendSummaryLine } from "@/components/backends/backend-card";
import { LifecycleCounts } from "@/components/secrets/lifecycle-counts";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<TenantRouteParams> }): Promise<Metadata> {
  return { title: (await params).tenant };
}

export default async function TenantPage({ params }: { params: Promise<TenantRouteParams> }) {
  const { tenant } = await params;
  const view = await loadPage(tenantOverviewView, { tenant });
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: tenant }]}
        title={tenant}
        actions={
          view.can["config:read"] ? (
            <Link href={`/tenants/${tenant}/settings`} className={buttonClass("secondary")}>
              <Settings className="size-4" aria-hidden /> Settings
            </Link>
          ) : null
        }
      />
      <Card>
        <CardHeader
          title="Secrets manager"
          description="Serves namespaces that have no dedicated manager of their own or of a parent."
        />
        <div className="px-5 py-4" data-testid="tenant-backend">
          <BackendSummaryLine backend={view.tenantBackend} />
        </div>
      </Card>
      <Card>
        <CardHeader
          title="Namespaces"
          description="Which backend serves each namespace, and where it was configured."
        />
        {view.namespaces.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-zinc-500">
            No namespaces yet. Create one from the sidebar, e.g. company.team.
          </p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="namespace-table">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">
                  Namespace
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Backend
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Attention
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {view.namespaces.map((ns) => (
                <tr key={ns.path} data-namespace={ns.path}>
                  <td className="px-5 py-2.5 font-mono text-xs">
                    <Link href={`/tenants/${tenant}/namespaces/${ns.path}`} className="hover:underline">
                      {ns.path}
                    </Link>
                  </td>
                  <td className="px-5 py-2.5">
                    <BackendSummaryLine backend={ns.backend} compact />
                  </td>
                  <td className="px-5 py-2.5 text-xs" data-testid="lifecycle-counts">
                    {ns.lifecycle ? (
                      <LifecycleCounts tenant={tenant} namespace={ns.path} counts={ns.lifecycle} />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
