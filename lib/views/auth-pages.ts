import "server-only";
import { z } from "zod";
import { hasInstanceAdmin } from "../auth/first-admin";
import type { PublicSpec } from "../server/guard";

/** Whether the one-time setup page applies, and whether the caller is already signed in. */
export const authStateView = {
  name: "view.auth-state",
  permission: "public",
  input: z.object({}),
  run: async ({ prisma, session }) => ({ needsSetup: !(await hasInstanceAdmin(prisma)), signedIn: session !== null }),
} satisfies PublicSpec<z.ZodObject, unknown>;
