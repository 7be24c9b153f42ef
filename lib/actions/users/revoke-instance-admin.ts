"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { revokeInstanceAdmin } from "@/lib/users/instance-admins";

export const revokeInstanceAdminAction = defineAction({
  name: "instance-admin.revoke",
  permission: "instance:manage",
  input: z.strictObject({ bindingId: z.uuid() }),
  run: async ({ prisma, session }, { bindingId }) => {
    await revokeInstanceAdmin(prisma, session, bindingId);
    revalidatePath("/admins");
    return { revoked: bindingId };
  },
});
