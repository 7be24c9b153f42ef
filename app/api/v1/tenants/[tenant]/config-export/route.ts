import { serveV1 } from "@/lib/api/v1/serve";

/** REST API v1: the operations at this path are declared in lib/api/v1/routes.ts (docs/api.md). */
export const { GET, POST, PUT, PATCH, DELETE } = serveV1("/api/v1/tenants/{tenant}/config-export");

export const dynamic = "force-dynamic";
