import { defineRoute } from "@/lib/server/route";
import { healthView } from "@/lib/views/health";

/** Liveness and readiness: answers once migrations are applied. Used by `npm start` and load balancers. */
export const GET = defineRoute(healthView);

export const dynamic = "force-dynamic";
