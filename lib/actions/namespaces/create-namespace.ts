"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { createNamespace } from "@/lib/tenancy/namespaces";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

export const createNamespaceAction = defineAction({
  name: "namespace.create",
  permission: "namespace:create",
  input: z.strictObject({ tenant: tenantSlugSchema, path: namespacePathSchema }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }, { path }) => {
    const result = await createNamespace(prisma, tenant!.id, path, session.actor);
    revalidatePath(`/tenants/${tenant!.slug}`, "layout");
    return { path, created: result.created };
  },
});
