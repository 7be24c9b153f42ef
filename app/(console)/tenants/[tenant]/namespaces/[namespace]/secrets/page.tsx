import { Suspense } from "react";
import { SecretsTab } from "@/components/secrets/secrets-tab";

export const dynamic = "force-dynamic";

export default async function NamespaceSecretsPage({ params }: { params: Promise<{ tenant: string; namespace: string }> }) {
  const { tenant, namespace: raw } = await params;
  return (
    <Suspense>
      <SecretsTab tenant={tenant} namespace={decodeURIComponent(raw)} />
    </Suspense>
  );
}
