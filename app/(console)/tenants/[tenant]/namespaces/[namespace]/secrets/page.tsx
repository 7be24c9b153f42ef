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
  const query = await searchParams;
  // Not awaited here: the Secrets tab reads its first page beside this guarded load (both refuse the same callers).
  const can = loadPage(namespaceView, { tenant, namespace }).then((v) => v.can);
  return <SecretsTabServer tenant={tenant} namespace={namespace} can={can} searchParams={query} />;
}
