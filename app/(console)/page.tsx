import Link from "@/components/ui/link";
import { Building2, ChevronRight } from "lucide-react";
import { loadPage } from "@/lib/server/page";
import { consoleHomeView } from "@/lib/views/console-shell";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/shell/page-header";
import { CreateTenantForm } from "@/components/tenants/create-tenant-form";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const { tenants, can } = await loadPage(consoleHomeView, {});
  return (
    <main id="main" className="mx-auto w-full max-w-4xl space-y-6 p-6">
      <PageHeader
        crumbs={[{ label: "Tenants" }]}
        title="Tenants"
        description="Each tenant is an isolated organisation with its own namespaces and secrets managers."
      />
      <Card>
        <CardHeader
          title={can["tenant:create"] ? "All tenants" : "Your tenants"}
          description={`${tenants.length} tenant${tenants.length === 1 ? "" : "s"}`}
        />
        {tenants.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-zinc-500">
            {can["tenant:create"]
              ? "No tenants yet. Create the first one below."
              : "You have no role in any tenant yet. Ask an administrator."}
          </p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="tenant-list">
            {tenants.map((t) => (
              <li key={t.slug}>
                <Link
                  href={`/tenants/${t.slug}`}
                  className="flex items-center justify-between px-5 py-3 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
                >
                  <span className="flex items-center gap-3">
                    <Building2 className="size-4 text-zinc-400" aria-hidden />
                    <span>
                      <span className="block text-sm font-medium">{t.displayName}</span>
                      <span className="block font-mono text-xs text-zinc-500">{t.slug}</span>
                    </span>
                  </span>
                  <span className="flex items-center gap-2 text-xs text-zinc-500">
                    {t.namespaceCount} namespace{t.namespaceCount === 1 ? "" : "s"}{" "}
                    <ChevronRight className="size-4" aria-hidden />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {can["tenant:create"] ? (
        <Card>
          <CardHeader title="Create tenant" />
          <div className="p-5">
            <CreateTenantForm />
          </div>
        </Card>
      ) : null}
    </main>
  );
}
