import { z } from "zod";
import { openApiDocument } from "@/lib/api/openapi";
import { defineRoute } from "@/lib/server/route";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The OpenAPI 3.1 description of the whole API (REST API v1 and the console's route handlers): public, it holds no data. */
export const GET = defineRoute({
  name: "openapi",
  permission: "public",
  input: z.object({}),
  run: async () => openApiDocument(),
});
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
