import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { BackendSummaryLine } from "@/components/backends/backend-card";
import type { ConfigView } from "@/lib/managers/config-view";
import type { BackendSummary } from "@/lib/views/backend-summary";
import { ManagerForm } from "./manager-form";

/** The "Dedicated secrets manager" section of tenant settings and of a namespace's Edit tab. */
export function ManagerSettingsPanel({
  tenant,
  namespace,
  view,
}: {
  tenant: string;
  namespace: string | null;
  view: { config: ConfigView; effective: BackendSummary; fileBackendShared: boolean };
}) {
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Currently serving"
          description={
            namespace ? `The backend that serves ${namespace} now.` : `The backend that serves tenant ${tenant} now.`
          }
        />
        <div className="px-5 py-4" data-testid="effective-backend">
          <BackendSummaryLine backend={view.effective} />
        </div>
      </Card>
      {view.effective.sourceKind === "file" ? (
        <Alert tone="warning" title="Shared with every tenant">
          This backend comes from the configuration file. Its secrets that carry no <code>tenant</code> tag are visible
          to every tenant; give each tenant&apos;s secrets a <code>tenant</code> tag, or configure a dedicated manager
          here.
        </Alert>
      ) : null}
      <Card>
        <CardHeader
          title="Dedicated secrets manager"
          description="Credentials are encrypted when saved and never shown again."
        />
        <div className="p-5">
          <ManagerForm tenant={tenant} namespace={namespace} view={view.config} />
        </div>
      </Card>
    </div>
  );
}
