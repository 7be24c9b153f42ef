import "server-only";
import { z } from "zod";
import { listTenants } from "../tenancy/tenants";
import { listNamespaces, namespaceTree } from "../tenancy/namespaces";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";
import { KeyholdError } from "../errors";
import type { GuardSpec } from "../server/guard";

export const consoleHomeView = {
  name: "view.console-home",
  permission: "tenant:list",
  input: z.object({}),
  run: async ({ prisma }) => ({ tenants: await listTenants(prisma) }),
} satisfies GuardSpec<z.ZodObject, unknown>;

export const tenantShellView = {
  name: "view.tenant-shell",
  permission: "tenant:read",
  input: z.object({ tenant: tenantSlugSchema }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant }) => {
    const [tenants, namespaces, info] = await Promise.all([
      listTenants(prisma),
      listNamespaces(prisma, tenant!.id),
      prisma.tenant.findUniqueOrThrow({ where: { id: tenant!.id }, select: { displayName: true } }),
    ]);
    return { tenant: { slug: tenant!.slug, displayName: info.displayName }, tenants, tree: namespaceTree(namespaces) };
  },
} satisfies GuardSpec<z.ZodObject<{ tenant: typeof tenantSlugSchema }>, unknown>;

/** Guards the namespace pages: the namespace must exist in the tenant. */
export const namespaceView = {
  name: "view.namespace",
  permission: "tenant:read",
  input: z.object({ tenant: tenantSlugSchema, namespace: namespacePathSchema }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant }, { namespace }) => {
    const ns = await prisma.namespace.findUnique({ where: { tenantId_path: { tenantId: tenant!.id, path: namespace } }, select: { path: true } });
    if (!ns) throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
    return ns;
  },
} satisfies GuardSpec<z.ZodObject<{ tenant: typeof tenantSlugSchema; namespace: typeof namespacePathSchema }>, unknown>;
