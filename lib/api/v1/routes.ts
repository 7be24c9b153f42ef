import "server-only";
import { z } from "zod";
import { csvResponse } from "../../audit/csv-response";
import { auditFilterInput } from "../../audit/query";
import { visibleTenantIds } from "../../auth/capabilities";
import { createSecretSpec, deleteSecretSpec, updateSecretSpec } from "../../secrets/mutation-specs";
import { checkExpressionSpec, expressionCheckSchema } from "../../secrets/check-expression";
import type { GuardSpec } from "../../server/guard";
import { createNamespace, listNamespaces } from "../../tenancy/namespaces";
import { namespacePathSchema, tenantDisplayNameSchema, tenantSlugSchema } from "../../tenancy/names";
import { createTenant, listTenants } from "../../tenancy/tenants";
import { auditExportView, auditLogView } from "../../views/audit-log";
import { secretsListSchema, secretsListView } from "../../views/secrets-list";
import { tenantSecretsView } from "../../views/tenant-secrets";
import { API_TOKEN_ROUTES } from "./api-token-routes";
import { CONFIG_AS_CODE_ROUTES } from "./config-as-code-routes";
import { managerRoutes } from "./manager-specs";
import type { V1Route } from "./route-types";

const T = "/api/v1/tenants/{tenant}";
const NS = `${T}/namespaces/{namespace}`;

const noInput = z.strictObject({});
const createTenantInput = z.strictObject({ slug: tenantSlugSchema, displayName: tenantDisplayNameSchema });
const tenantInput = z.strictObject({ tenant: tenantSlugSchema });
const createNamespaceInput = z.strictObject({ tenant: tenantSlugSchema, path: namespacePathSchema });
const instanceAuditInput = auditFilterInput;
const tenantAuditInput = auditFilterInput.extend({ tenant: tenantSlugSchema });

const keyOnly = z.strictObject({ key: z.string() });
const auditPageSchema = z.strictObject({
  rows: z.array(
    z.strictObject({
      id: z.string(),
      at: z.string(),
      tenant: z.string().nullable(),
      namespace: z.string().nullable(),
      actor: z.string(),
      action: z.string(),
      outcome: z.string(),
      details: z.string(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageCount: z.number().int(),
});

/** Every REST API v1 operation. Each app/api/v1 route file serves the entries of its path (lib/api/v1/serve.ts). */
export const V1_ROUTES: V1Route[] = [
  {
    path: "/api/v1/tenants",
    method: "get",
    tag: "Tenants",
    summary: "The tenants the caller holds a role in (every tenant for an instance administrator)",
    output: z.strictObject({
      tenants: z.array(z.strictObject({ slug: z.string(), displayName: z.string(), namespaceCount: z.number().int() })),
    }),
    spec: {
      name: "api.tenants.list",
      permission: "tenant:list",
      input: noInput,
      run: async ({ prisma, session }) => ({ tenants: await listTenants(prisma, visibleTenantIds(session.bindings)) }),
    } satisfies GuardSpec<typeof noInput, unknown> as V1Route["spec"],
  },
  {
    path: "/api/v1/tenants",
    method: "post",
    tag: "Tenants",
    summary: "Create a tenant (instance administrators)",
    status: 201,
    output: z.strictObject({ slug: z.string() }),
    spec: {
      name: "tenant.create",
      permission: "tenant:create",
      input: createTenantInput,
      run: async ({ prisma, session }, i) => ({
        slug: (await createTenant(prisma, i.slug, i.displayName, session.actor)).slug,
      }),
    } satisfies GuardSpec<typeof createTenantInput, unknown> as V1Route["spec"],
  },
  {
    path: `${T}/namespaces`,
    method: "get",
    tag: "Namespaces",
    summary: "A tenant's namespaces, as dotted paths",
    output: z.strictObject({ namespaces: z.array(z.string()) }),
    spec: {
      name: "api.namespaces.list",
      permission: "tenant:read",
      input: tenantInput,
      tenant: (i) => i.tenant,
      run: async ({ prisma, tenant }) => ({ namespaces: await listNamespaces(prisma, tenant!.id) }),
    } satisfies GuardSpec<typeof tenantInput, unknown> as V1Route["spec"],
  },
  {
    path: `${T}/namespaces`,
    method: "post",
    tag: "Namespaces",
    summary: "Create a namespace (and its missing parents)",
    status: 201,
    output: z.strictObject({ path: z.string(), created: z.array(z.string()) }),
    spec: {
      name: "namespace.create",
      permission: "namespace:create",
      input: createNamespaceInput,
      tenant: (i) => i.tenant,
      run: async ({ prisma, tenant, session }, { path }) => ({
        path,
        created: (await createNamespace(prisma, tenant!.id, path, session.actor)).created,
      }),
    } satisfies GuardSpec<typeof createNamespaceInput, unknown> as V1Route["spec"],
  },
  ...managerRoutes("tenant", `${T}/manager`),
  ...managerRoutes("namespace", `${NS}/manager`),
  {
    path: `${T}/secrets`,
    method: "get",
    tag: "Secrets",
    summary: "Every namespace's own secrets (keys and metadata, never values), as the tenant's Secrets tab",
    output: secretsListSchema,
    spec: tenantSecretsView,
  },
  {
    path: `${NS}/secrets`,
    method: "get",
    tag: "Secrets",
    summary:
      "A namespace's secrets, inherited ones included (never values): the Secrets tab's filters, sort and cursor",
    output: secretsListSchema,
    spec: secretsListView,
  },
  {
    path: `${NS}/secrets`,
    method: "post",
    tag: "Secrets",
    summary: "Create a secret in the backend serving the namespace (refused when it is read-only)",
    status: 201,
    output: keyOnly,
    spec: createSecretSpec as V1Route["spec"],
  },
  {
    path: `${NS}/secrets/{key}`,
    method: "put",
    tag: "Secrets",
    summary: "Update a secret's description and tags, and its value when one is sent (a '/' in the key is %2F)",
    output: keyOnly,
    spec: updateSecretSpec as V1Route["spec"],
  },
  {
    path: `${NS}/secrets/{key}`,
    method: "delete",
    tag: "Secrets",
    summary: "Delete a secret (refused when its backend is read-only)",
    output: keyOnly,
    spec: deleteSecretSpec as V1Route["spec"],
  },
  {
    path: `${NS}/expression-check`,
    method: "post",
    tag: "Secrets",
    summary: "Check that a {{ secret('KEY') }} expression resolves: where, and the value's length, never the value",
    output: expressionCheckSchema,
    spec: checkExpressionSpec,
    target: { tenant: "tenant", namespace: "namespace", expression: "expression" },
  },
  {
    path: "/api/v1/audit",
    method: "get",
    tag: "Audit",
    summary: "The instance's audit log, 50 entries a page (instance administrators)",
    output: auditPageSchema,
    spec: { ...auditLogView, input: instanceAuditInput },
  },
  {
    path: "/api/v1/audit/csv",
    method: "get",
    tag: "Audit",
    summary: "The instance's audit log as CSV (instance administrators)",
    respond: csvResponse("keyhold-audit.csv") as (data: unknown) => Response,
    spec: { ...auditExportView, input: instanceAuditInput },
  },
  {
    path: `${T}/audit`,
    method: "get",
    tag: "Audit",
    summary: "A tenant's audit log, 50 entries a page",
    output: auditPageSchema,
    spec: { ...auditLogView, input: tenantAuditInput },
  },
  {
    path: `${T}/audit/csv`,
    method: "get",
    tag: "Audit",
    summary: "A tenant's audit log as CSV",
    respond: csvResponse("keyhold-audit.csv") as (data: unknown) => Response,
    spec: { ...auditExportView, input: tenantAuditInput },
  },
  ...CONFIG_AS_CODE_ROUTES,
  ...API_TOKEN_ROUTES,
] as V1Route[];
