import { defineRoute } from "@/lib/server/route";
import { tenantSecretsView } from "@/lib/views/tenant-secrets";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The tenant Secrets tab's rows: every namespace's own secrets, never a value. */
export const GET = defineRoute(tenantSecretsView);
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
