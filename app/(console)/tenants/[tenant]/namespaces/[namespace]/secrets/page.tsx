import { Suspense } from "react";
import { loadPage } from "@/lib/server/page";
import { namespaceView } from "@/lib/views/console-shell";
import { SecretsTab } from "@/components/secrets/secrets-tab";

export const dynamic = "force-dynamic";

export default async function NamespaceSecretsPage({ params }: { params: Promise<{ tenant: string; namespace: string }> }) {
  const { tenant, namespace: raw } = await params;
  const namespace = decodeURIComponent(raw);
  const { can } = await loadPage(namespaceView, { tenant, namespace });
  return (
    <Suspense>
      <SecretsTab tenant={tenant} namespace={namespace} can={{ write: can.writeSecrets, verify: can.verify, check: can.checkExpression }} />
    </Suspense>
  );
}
