import "server-only";
import { z } from "zod";
import { dbDriver } from "../db/client";
import type { PublicSpec } from "../server/guard";

const input = z.object({});

export const healthOutputSchema = z.strictObject({ status: z.literal("ok"), database: z.enum(["pglite", "postgres"]) });

/** Liveness and readiness: answers once migrations are applied. Used by `npm start` and load balancers. */
export const healthView = {
  name: "health",
  permission: "public",
  input,
  run: async () => healthOutputSchema.parse({ status: "ok", database: dbDriver().kind }),
} satisfies PublicSpec<typeof input, unknown>;
