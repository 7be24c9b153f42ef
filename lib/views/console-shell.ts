import "server-only";
import { z } from "zod";
import { listTenants } from "../tenancy/tenants";
import { listNamespaces, namespaceTree } from "../tenancy/namespaces";
import { tenantSlugSchema } from "../tenancy/names";
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
