"use server";
import { headers } from "next/headers";
import { defineAction } from "@/lib/server/action";
import { newAccountInput } from "@/lib/auth/credentials-input";
import { createFirstAdmin } from "@/lib/auth/first-admin";
import { signIn } from "@/lib/auth/sign-in";

/** The one-time setup page's action: refuses once any instance administrator exists (checked under a lock). */
export const setupAdminAction = defineAction({
  name: "auth.setup-admin",
  permission: "public",
  input: newAccountInput,
  run: async ({ prisma }, input) => {
    await createFirstAdmin(prisma, input, "setup-page");
    await signIn(prisma, await headers(), input.email, input.password);
    return { email: input.email };
  },
});
