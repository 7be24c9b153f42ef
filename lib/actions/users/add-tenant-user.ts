"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/server/action";
import { addTenantUser, addTenantUserInput } from "@/lib/users/tenant-users";

export const addTenantUserAction = defineAction({
  name: "user.add",
  permission: "user:manage",
  input: addTenantUserInput,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }, input) => {
    const result = await addTenantUser(prisma, tenant!, session.actor, input);
    revalidatePath(`/tenants/${tenant!.slug}/users`);
    return result;
  },
});
