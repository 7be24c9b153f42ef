import { defineRoute } from "@/lib/server/route";
import { secretsListRouteView } from "@/lib/views/secrets-list";
import { listRouteEarlyRead } from "@/lib/secrets/list-route";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The Secrets tab's rows (React Query): keys and metadata, never a value; the answer's JSON as the view made it. */
export const GET = defineRoute(
  secretsListRouteView,
  (data) => new Response(data.json, { headers: { "content-type": "application/json", "cache-control": "no-store" } }),
  // The caller, the tenant and the kept answer's check in one read (lib/secrets/list-route.ts).
  { early: listRouteEarlyRead },
);
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
