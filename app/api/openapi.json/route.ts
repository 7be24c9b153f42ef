import { z } from "zod";
import { openApiDocument } from "@/lib/api/openapi";
import { defineRoute } from "@/lib/server/route";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The OpenAPI description of the route handlers: public, it holds no data (schemathesis reads it in npm test). */
export const GET = defineRoute({
  name: "openapi",
  permission: "public",
  input: z.object({}),
  run: async () => openApiDocument(),
});
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
