import "server-only";
import type { z } from "zod";
import type { AnySpec } from "../server/guard";
import { auditExportView } from "../views/audit-log";
import { healthOutputSchema, healthView } from "../views/health";
import { secretsListSchema, secretsListView } from "../views/secrets-list";
import { tenantSecretsView } from "../views/tenant-secrets";

/** One route handler under app/api, described from the same guard spec the handler runs. */
export interface ApiRoute {
  /** OpenAPI path, `{param}` for a dynamic segment (`[param]` in app/api). */
  path: string;
  method: "get";
  summary: string;
  spec: AnySpec<z.ZodType, unknown>;
  /** The 200 answer: JSON built from this schema, or a CSV download. */
  response: { json: z.ZodType } | { csv: true };
}

// Every app/api route handler is listed here (tests/api/openapi.test.ts fails when one is missing).
export const API_ROUTES: ApiRoute[] = [
  {
    path: "/api/health",
    method: "get",
    summary: "Liveness and readiness",
    spec: healthView,
    response: { json: healthOutputSchema },
  },
  {
    path: "/api/audit/csv",
    method: "get",
    summary: "The instance audit log as CSV (instance administrators)",
    spec: auditExportView,
    response: { csv: true },
  },
  {
    path: "/api/tenants/{tenant}/audit/csv",
    method: "get",
    summary: "One tenant's audit log as CSV",
    spec: auditExportView,
    response: { csv: true },
  },
  {
    path: "/api/tenants/{tenant}/secrets",
    method: "get",
    summary: "Every namespace's own secrets of a tenant (keys and metadata, never values)",
    spec: tenantSecretsView,
    response: { json: secretsListSchema },
  },
  {
    path: "/api/tenants/{tenant}/namespaces/{namespace}/secrets",
    method: "get",
    summary: "A namespace's secrets, inherited ones included (never values)",
    spec: secretsListView,
    response: { json: secretsListSchema },
  },
] as ApiRoute[];
