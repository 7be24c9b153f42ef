"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/server/action";
import { createApiToken, createApiTokenInput } from "@/lib/auth/api-tokens";

/** Creates an API token and answers with it once; the role it binds is checked against what the caller may grant. */
export const createApiTokenAction = defineAction({
  name: "api-token.create",
  permission: "session:self",
  input: createApiTokenInput,
  run: async ({ prisma, session }, input) => {
    const created = await createApiToken(prisma, session, input);
    revalidatePath("/settings/api-tokens");
    return created;
  },
});
