import Link from "@/components/ui/link";
import { loadPage } from "@/lib/server/page";
import { namespaceBackendView } from "@/lib/views/manager-settings";
import { Card, CardHeader } from "@/components/ui/card";
import { BackendSummaryLine } from "@/components/backends/backend-card";
import type { NamespaceRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";

export default async function NamespacePage({ params }: { params: Promise<NamespaceRouteParams> }) {
  const { tenant, namespace } = await params;
  const view = await loadPage(namespaceBackendView, { tenant, namespace });
  return (
    <Card>
      <CardHeader title="Secrets manager" description="The backend that serves this namespace's secrets." />
      <div className="space-y-3 px-5 py-4">
        <BackendSummaryLine backend={view.effective} />
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          {view.hasOwnManager
            ? "This namespace has its own dedicated manager. "
            : "This namespace has no dedicated manager of its own. "}
          {view.can["config:read"] ? (
            <>
              <Link
                href={`/tenants/${tenant}/namespaces/${namespace}/edit`}
                className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
              >
                Configure it in Edit
              </Link>
              .
            </>
          ) : null}
        </p>
      </div>
    </Card>
  );
}
