import "server-only";
import { z } from "zod";
import { listTenants } from "../tenancy/tenants";
import { listNamespaces, namespaceTree } from "../tenancy/namespaces";
import { routeParamsSchema, tenantRouteParamsSchema } from "../tenancy/route-params";
import { KeyholdError } from "../errors";
import type { GuardSpec } from "../server/guard";
import { permissionsOn, visibleTenantIds } from "../auth/capabilities";
import { isInstanceAdmin } from "../auth/permissions";

export const consoleHomeView = {
  name: "view.console-home",
  permission: "tenant:list",
  input: z.object({}),
  run: async ({ prisma, session }) => ({
    tenants: await listTenants(prisma, visibleTenantIds(session.bindings)),
    can: permissionsOn(session.bindings, { tenantId: null, namespace: null }, ["tenant:create"]),
  }),
} satisfies GuardSpec<z.ZodObject, unknown>;

/** What the tenant's sidebar and Secrets tab offer. */
const SIDEBAR = [
  "secret:list",
  "config:read",
  "user:manage",
  "audit:read",
  "namespace:create",
  "config:verify",
] as const;
/** What a namespace's tabs and Secrets tab offer. */
const NAMESPACE_PAGES = ["config:read", "secret:write", "config:verify", "secret:check"] as const;

export const tenantShellView = {
  name: "view.tenant-shell",
  permission: "tenant:read",
  input: tenantRouteParamsSchema,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }) => {
    const [tenants, namespaces, info] = await Promise.all([
      listTenants(prisma, visibleTenantIds(session.bindings)),
      listNamespaces(prisma, tenant!.id),
      prisma.tenant.findUniqueOrThrow({ where: { id: tenant!.id }, select: { displayName: true } }),
    ]);
    return {
      tenant: { slug: tenant!.slug, displayName: info.displayName },
      tenants,
      tree: namespaceTree(namespaces),
      can: permissionsOn(session.bindings, { tenantId: tenant!.id, namespace: null }, SIDEBAR),
    };
  },
} satisfies GuardSpec<typeof tenantRouteParamsSchema, unknown>;

/** Guards the namespace pages: the namespace must exist in the tenant. */
export const namespaceView = {
  name: "view.namespace",
  permission: "tenant:read",
  input: routeParamsSchema,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }, { namespace }) => {
    const ns = await prisma.namespace.findUnique({
      where: { tenantId_path: { tenantId: tenant!.id, path: namespace } },
      select: { path: true },
    });
    if (!ns) throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
    return { ...ns, can: permissionsOn(session.bindings, { tenantId: tenant!.id, namespace }, NAMESPACE_PAGES) };
  },
} satisfies GuardSpec<typeof routeParamsSchema, unknown>;

/** The header's signed-in user: name, email and whether instance-wide pages are offered. */
export const consoleUserView = {
  name: "view.console-user",
  permission: "session:self",
  input: z.object({}),
  run: async ({ session }) => ({
    name: session.name,
    email: session.actor,
    instanceAdmin: isInstanceAdmin(session.bindings),
  }),
} satisfies GuardSpec<z.ZodObject, unknown>;
