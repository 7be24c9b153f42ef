import { defineRoute } from "@/lib/server/route";
import { secretsListView } from "@/lib/views/secrets-list";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The Secrets tab's rows (React Query): keys and metadata, never a value. */
export const GET = defineRoute(secretsListView);
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
