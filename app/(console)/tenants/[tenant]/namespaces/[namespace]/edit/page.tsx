import { loadPage } from "@/lib/server/page";
import { managerSettingsView } from "@/lib/views/manager-settings";
import { ManagerSettingsPanel } from "@/components/settings/manager-settings-panel";

export const dynamic = "force-dynamic";

export default async function NamespaceEditPage({ params }: { params: Promise<{ tenant: string; namespace: string }> }) {
  const { tenant, namespace: raw } = await params;
  const namespace = decodeURIComponent(raw);
  const view = await loadPage(managerSettingsView, { tenant, namespace });
  return <ManagerSettingsPanel tenant={tenant} namespace={namespace} view={view} />;
}
