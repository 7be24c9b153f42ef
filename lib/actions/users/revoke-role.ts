"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { revokeRole } from "@/lib/users/tenant-users";
import { tenantSlugSchema } from "@/lib/tenancy/names";

export const revokeRoleAction = defineAction({
  name: "role.revoke",
  permission: "user:manage",
  input: z.strictObject({ tenant: tenantSlugSchema, bindingId: z.uuid() }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }, { bindingId }) => {
    await revokeRole(prisma, tenant!, session.actor, bindingId);
    revalidatePath(`/tenants/${tenant!.slug}/users`);
    return { revoked: bindingId };
  },
});
