import { SecretsTabServer } from "@/components/secrets/secrets-tab-server";

export const dynamic = "force-dynamic";

export default async function NamespaceSecretsPage({ params, searchParams }: { params: Promise<{ tenant: string; namespace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { tenant, namespace: raw } = await params;
  return <SecretsTabServer tenant={tenant} namespace={decodeURIComponent(raw)} searchParams={await searchParams} />;
}
