import { defineRoute } from "@/lib/server/route";
import { secretsListRouteView } from "@/lib/views/secrets-list";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The Secrets tab's rows (React Query): keys and metadata, never a value; the answer's JSON as the view made it. */
export const GET = defineRoute(
  secretsListRouteView,
  (data) => new Response(data.json, { headers: { "content-type": "application/json", "cache-control": "no-store" } }),
);
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
