"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { removeTenantUser } from "@/lib/users/tenant-users";
import { tenantSlugSchema } from "@/lib/tenancy/names";

export const removeTenantUserAction = defineAction({
  name: "user.remove",
  permission: "user:manage",
  input: z.strictObject({
    tenant: tenantSlugSchema,
    userId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a user id"),
  }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }, { userId }) => {
    await removeTenantUser(prisma, tenant!, session.actor, userId);
    revalidatePath(`/tenants/${tenant!.slug}/users`);
    return { removed: userId };
  },
});
