import { loadPage } from "@/lib/server/page";
import { managerSettingsView } from "@/lib/views/manager-settings";
import { ManagerSettingsPanel } from "@/components/settings/manager-settings-panel";

export const dynamic = "force-dynamic";

export default async function NamespaceEditPage({ params }: { params: Promise<{ tenant: string; namespace: string }> }) {
  // Next.js decodes route parameters once; the view's schema refuses anything that is not a namespace path.
  const { tenant, namespace } = await params;
  const view = await loadPage(managerSettingsView, { tenant, namespace });
  return <ManagerSettingsPanel tenant={tenant} namespace={namespace} view={view} />;
}
