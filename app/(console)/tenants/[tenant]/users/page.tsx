import type { Metadata } from "next";
import { loadPage } from "@/lib/server/page";
import { tenantUsersView } from "@/lib/views/tenant-users";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { AddUserForm } from "@/components/users/add-user-form";
import { UserRoles } from "@/components/users/user-roles";
import type { TenantRouteParams } from "@/lib/tenancy/route-params";

export const metadata: Metadata = { title: "Users" };

export default async function TenantUsersPage({ params }: { params: Promise<TenantRouteParams> }) {
  const { tenant } = await params;
  const { users, namespaces, me } = await loadPage(tenantUsersView, { tenant });
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: tenant, href: `/tenants/${tenant}` }, { label: "Users" }]}
        title="Users"
        description="Who may do what in this tenant. A role on a namespace also covers its children."
      />
      <Card>
        <CardHeader
          title="Members"
          description={`${users.length} user${users.length === 1 ? "" : "s"} with a role here`}
        />
        <table className="w-full text-left text-sm" data-testid="users-table">
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {users.map((u) => (
              <UserRoles key={u.userId} tenant={tenant} user={u} self={u.userId === me} />
            ))}
          </tbody>
        </table>
      </Card>
      <Card>
        <CardHeader
          title="Add a user or a role"
          description="An existing account keeps its password; a new one needs a name and an initial password."
        />
        <div className="p-5">
          <AddUserForm tenant={tenant} namespaces={namespaces} />
        </div>
      </Card>
    </div>
  );
}
