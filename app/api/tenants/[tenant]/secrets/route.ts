import { defineRoute } from "@/lib/server/route";
import { tenantSecretsView } from "@/lib/views/tenant-secrets";

/** The tenant Secrets tab's rows: every namespace's own secrets, never a value. */
export const GET = defineRoute(tenantSecretsView);

export const dynamic = "force-dynamic";
