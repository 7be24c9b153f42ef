import "server-only";
import { listNamespaces } from "../tenancy/namespaces";
import { tenantRouteParamsSchema } from "../tenancy/route-params";
import { listTenantUsers } from "../users/tenant-users";
import type { GuardSpec } from "../server/guard";

const input = tenantRouteParamsSchema;

/** The tenant's Users page: who holds which role, and the namespaces a role can be bound to. */
export const tenantUsersView = {
  name: "view.tenant-users",
  permission: "user:manage",
  input,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }) => ({
    users: await listTenantUsers(prisma, tenant!.id),
    namespaces: await listNamespaces(prisma, tenant!.id),
    me: session.userId,
  }),
} satisfies GuardSpec<typeof input, unknown>;
