import "server-only";
import { z } from "zod";
import { IGNORE_REASONS, type IgnoreReason } from "../backends/adapter";
import { effectiveBackends } from "../managers/effective";
import { listTenantSecrets } from "../secrets/namespace-secrets";
import type { GuardSpec } from "../server/guard";
import { listNamespaces } from "../tenancy/namespaces";
import { tenantSlugSchema } from "../tenancy/names";
import { summarizeBackend } from "./backend-summary";
import { secretsListSchema, type SecretsList } from "./secrets-list";

const input = z.object({
  tenant: tenantSlugSchema,
  search: z.string().max(200).optional(),
  sort: z.enum(["key", "namespace", "updated"]).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
  refresh: z.enum(["1", "0"]).optional(),
});

/** Every namespace's own secrets in one table, for the tenant's Secrets tab. */
export const tenantSecretsView = {
  name: "view.tenant-secrets",
  permission: "secret:list",
  input,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant }, q): Promise<SecretsList> => {
    const namespaces = await listNamespaces(prisma, tenant!.id);
    const effective = (await effectiveBackends(prisma, tenant!, [null])).get(null)!;
    const result = await listTenantSecrets(prisma, tenant!, namespaces, { ...q, refresh: q.refresh === "1" });
    return secretsListSchema.parse({
      backend: summarizeBackend(effective),
      rows: result.rows.map(({ key, namespace, source, inherited, description, tags, subkeys, backendLabel, readOnly, updatedAt }) => ({ key, namespace, source, inherited, description, tags, subkeys, backendLabel, readOnly, updatedAt })),
      total: result.total,
      page: result.page,
      pageCount: result.pageCount,
      ignored: Object.entries(result.ignored).map(([reason, count]) => ({ reason, label: IGNORE_REASONS[reason as IgnoreReason], count })),
      errors: result.errors,
    });
  },
} satisfies GuardSpec<typeof input, unknown>;
