import type { Metadata } from "next";
import { loadPage } from "@/lib/server/page";
import { instanceAdminsView } from "@/lib/views/instance-admins";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { InstanceAdmins } from "@/components/users/instance-admins";

export const metadata: Metadata = { title: "Administrators" };

/** Instance administrators: everything in every tenant. The guard admits instance administrators only. */
export default async function AdminsPage() {
  const { admins, me } = await loadPage(instanceAdminsView, {});
  return (
    <main id="main" className="mx-auto w-full max-w-4xl space-y-6 p-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: "Administrators" }]}
        title="Administrators"
        description="Instance administrators may do everything in every tenant, including this page."
      />
      <Card>
        <CardHeader
          title="Instance administrators"
          description={`${admins.length} administrator${admins.length === 1 ? "" : "s"}`}
        />
        <InstanceAdmins admins={admins} me={me} />
      </Card>
    </main>
  );
}
