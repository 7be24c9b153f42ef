import { loadPage } from "@/lib/server/page";
import { namespaceView } from "@/lib/views/console-shell";
import { SecretsTabServer } from "@/components/secrets/secrets-tab-server";
import type { NamespaceRouteParams } from "@/lib/tenancy/route-params";

export const dynamic = "force-dynamic";

export default async function NamespaceSecretsPage({
  params,
  searchParams,
}: {
  params: Promise<NamespaceRouteParams>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant, namespace } = await params;
  const { can } = await loadPage(namespaceView, { tenant, namespace });
  return <SecretsTabServer tenant={tenant} namespace={namespace} can={can} searchParams={await searchParams} />;
}
