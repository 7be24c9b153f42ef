"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { revokeApiToken } from "@/lib/auth/api-tokens";

export const revokeApiTokenAction = defineAction({
  name: "api-token.revoke",
  permission: "session:self",
  input: z.strictObject({ id: z.uuid() }),
  run: async ({ prisma, session }, { id }) => {
    const revoked = await revokeApiToken(prisma, session, id);
    revalidatePath("/settings/api-tokens");
    return revoked;
  },
});
