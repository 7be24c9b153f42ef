"use server";
import { headers } from "next/headers";
import { defineAction } from "@/lib/server/action";
import { signInInput } from "@/lib/auth/credentials-input";
import { signIn } from "@/lib/auth/sign-in";

export const signInAction = defineAction({
  name: "auth.sign-in",
  permission: "public",
  input: signInInput,
  run: async ({ prisma }, { email, password }) => {
    await signIn(prisma, await headers(), email, password);
    return { signedIn: true };
  },
});
