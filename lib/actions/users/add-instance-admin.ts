"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/server/action";
import { addInstanceAdmin, addInstanceAdminInput } from "@/lib/users/instance-admins";

export const addInstanceAdminAction = defineAction({
  name: "instance-admin.add",
  permission: "instance:manage",
  input: addInstanceAdminInput,
  run: async ({ prisma, session }, input) => {
    const result = await addInstanceAdmin(prisma, session.actor, input);
    revalidatePath("/admins");
    return result;
  },
});
