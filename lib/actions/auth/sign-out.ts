"use server";
import { headers } from "next/headers";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { signOut } from "@/lib/auth/sign-in";

export const signOutAction = defineAction({
  name: "auth.sign-out",
  permission: "session:self",
  input: z.strictObject({ everywhere: z.boolean().default(false) }),
  run: async ({ prisma, session }, { everywhere }) => {
    await signOut(prisma, await headers(), session, everywhere);
    return { signedOut: true };
  },
});
