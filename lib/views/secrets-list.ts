import "server-only";
import { z } from "zod";
import { IGNORE_REASONS, type IgnoreReason } from "../backends/adapter";
import { listNamespaceSecrets, type NamespaceSecrets } from "../secrets/namespace-secrets";
import { cachedNamespaceList, type CheckRead } from "../secrets/list-cache";
import type { EffectiveBackend } from "../secrets/effective-backend";
import type { GuardSpec } from "../server/guard";
import { routeParamsSchema, tenantRouteParamsSchema } from "../tenancy/route-params";
import { plainText } from "../input/plain-text";
import { backendSummarySchema, summarizeBackend } from "./backend-summary";

/** One row as the browser receives it; there is no value field, so none can leak. */
export const secretRowSchema = z.strictObject({
  key: z.string(),
  namespace: z.string().nullable(),
  source: z.string(),
  inherited: z.boolean(),
  description: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  /** null: not known without reading the value; the row offers "Show subkeys". */
  subkeys: z.array(z.string()).nullable(),
  backendLabel: z.string(),
  readOnly: z.boolean(),
  updatedAt: z.string().nullable(),
  sourceKind: z.enum(["namespace", "tenant", "file", "builtin"]),
  /** Age, rotation and expiry where the backend tells them (dates as ISO text); never a value. */
  lifecycle: z.strictObject({
    enabled: z.boolean().nullable(),
    expiresAt: z.string().nullable(),
    notBefore: z.string().nullable(),
    lastRotatedAt: z.string().nullable(),
    nextRotationAt: z.string().nullable(),
    version: z.string().nullable(),
    versionCreatedAt: z.string().nullable(),
  }),
});

export const secretsListSchema = z.strictObject({
  backend: backendSummarySchema,
  rows: z.array(secretRowSchema),
  total: z.number(),
  /** Opaque keyset cursors of the next and previous pages (null: none). */
  nextCursor: z.string().nullable(),
  prevCursor: z.string().nullable(),
  /** How fresh the rows are: when the backends were scanned, and a first scan in progress with its count. */
  freshness: z.strictObject({ asOf: z.string().nullable(), scanning: z.boolean(), scanned: z.number() }),
  ignored: z.array(z.strictObject({ reason: z.string(), label: z.string(), count: z.number() })),
  errors: z.array(z.strictObject({ namespace: z.string(), code: z.string(), message: z.string() })),
});

export type SecretsList = z.infer<typeof secretsListSchema>;
export type SecretRowView = z.infer<typeof secretRowSchema>;

/** The list state a Secrets tab sends (search, sort, page), shared by the namespace and tenant tabs. */
export const listQueryFields = {
  ...tenantRouteParamsSchema.shape,
  search: plainText(200).optional(),
  sort: z.enum(["key", "namespace", "updated"]).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  /** expires within 30 days, disabled, not changed for 90 days (lib/secrets/index/lifecycle.ts). */
  filter: z.enum(["expiring", "disabled", "stale"]).optional(),
  /** A page's cursor, as a previous answer gave it (`nextCursor`, `prevCursor`). */
  cursor: z
    .string()
    .max(4096)
    .regex(/^[ab]\.[A-Za-z0-9_-]+$/, "Not a page cursor")
    .optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
  refresh: z.enum(["1", "0"]).optional(),
};

const input = z.object({ ...listQueryFields, ...routeParamsSchema.shape });

/** Builds the browser's view of a listing through the output schema (no value field exists to fill). */
export function toSecretsList(effective: EffectiveBackend, result: NamespaceSecrets): SecretsList {
  return secretsListSchema.parse({
    backend: summarizeBackend(effective),
    rows: result.rows.map(
      ({
        key,
        namespace,
        source,
        inherited,
        description,
        tags,
        subkeys,
        backendLabel,
        readOnly,
        updatedAt,
        sourceKind,
        lifecycle,
      }) => ({
        key,
        namespace,
        source,
        inherited,
        description,
        tags,
        subkeys,
        backendLabel,
        readOnly,
        updatedAt,
        sourceKind,
        lifecycle,
      }),
    ),
    total: result.total,
    nextCursor: result.nextCursor,
    prevCursor: result.prevCursor,
    freshness: result.freshness,
    ignored: Object.entries(result.ignored).map(([reason, count]) => ({
      reason,
      label: IGNORE_REASONS[reason as IgnoreReason],
      count,
    })),
    errors: result.errors,
  });
}

export const secretsListView = {
  name: "view.secrets-list",
  permission: "secret:list",
  input,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace ?? null,
  run: async ({ prisma, tenant }, q): Promise<SecretsList> => {
    const result = await listNamespaceSecrets(prisma, tenant!, q.namespace, { ...q, refresh: q.refresh === "1" });
    return toSecretsList(result.effective, result);
  },
} satisfies GuardSpec<typeof input, unknown>;

/**
 * The list route's spec: secretsListView's guard (same name, permission, input, tenant and namespace), answering the
 * JSON text, which the process keeps and serves again while one check read finds its inputs unchanged
 * (lib/secrets/list-cache.ts). The route sends the text as it is.
 */
export const secretsListRouteView = {
  ...secretsListView,
  run: async ({ prisma, tenant, early }, q): Promise<{ json: string }> => {
    const query = { ...q, refresh: q.refresh === "1" };
    const compute = async () => {
      const result = await listNamespaceSecrets(prisma, tenant!, q.namespace, query);
      return { body: JSON.stringify(toSecretsList(result.effective, result)), served: result.served };
    };
    // `early`: the check as the route's one read made it (lib/secrets/list-route.ts), when the route asked for it.
    const json = await cachedNamespaceList(
      prisma,
      tenant!,
      q.namespace,
      query,
      compute,
      early as CheckRead | undefined,
    );
    return { json };
  },
} satisfies GuardSpec<typeof input, { json: string }>;
