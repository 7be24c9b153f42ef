import { defineRoute } from "@/lib/server/route";
import { healthView } from "@/lib/views/health";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** Liveness and readiness: answers once migrations are applied. Used by `npm start` and load balancers. */
export const GET = defineRoute(healthView);
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
