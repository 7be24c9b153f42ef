import { defineRoute } from "@/lib/server/route";
import { secretsListView } from "@/lib/views/secrets-list";

/** The Secrets tab's rows (React Query): keys and metadata, never a value. */
export const GET = defineRoute(secretsListView);

export const dynamic = "force-dynamic";
