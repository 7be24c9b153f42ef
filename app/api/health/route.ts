import { z } from "zod";
import { defineRoute } from "@/lib/server/route";
import { dbDriver } from "@/lib/db/client";

/** Liveness and readiness: answers once migrations are applied. Used by `npm start` and load balancers. */
export const GET = defineRoute({
  name: "health",
  permission: "public",
  input: z.object({}),
  run: async () => ({ status: "ok", database: dbDriver().kind }),
});

export const dynamic = "force-dynamic";
