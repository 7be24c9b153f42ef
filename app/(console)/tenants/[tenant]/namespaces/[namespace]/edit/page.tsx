import { loadPage } from "@/lib/server/page";
import { managerSettingsView } from "@/lib/views/manager-settings";
import { ManagerSettingsPanel } from "@/components/settings/manager-settings-panel";
import type { NamespaceRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";

export default async function NamespaceEditPage({ params }: { params: Promise<NamespaceRouteParams> }) {
  const { tenant, namespace } = await params;
  const view = await loadPage(managerSettingsView, { tenant, namespace });
  return <ManagerSettingsPanel tenant={tenant} namespace={namespace} view={view} />;
}
