import "server-only";
import { z } from "zod";
import { effectiveBackends } from "../managers/effective";
import { listTenantSecrets } from "../secrets/namespace-secrets";
import type { GuardSpec } from "../server/guard";
import { listNamespaces } from "../tenancy/namespaces";
import { listQueryFields, toSecretsList, type SecretsList } from "./secrets-list";

const input = z.object(listQueryFields);

/** Every namespace's own secrets in one table, for the tenant's Secrets tab. */
export const tenantSecretsView = {
  name: "view.tenant-secrets",
  permission: "secret:list",
  input,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant }, q): Promise<SecretsList> => {
    const namespaces = await listNamespaces(prisma, tenant!.id);
    const effective = (await effectiveBackends(prisma, tenant!, [null])).get(null)!;
    return toSecretsList(
      effective,
      await listTenantSecrets(prisma, tenant!, namespaces, { ...q, refresh: q.refresh === "1" }),
    );
  },
} satisfies GuardSpec<typeof input, unknown>;
