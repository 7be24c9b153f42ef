import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Session } from "../auth/session";
import { KeyholdError } from "../errors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { recordAudit } from "../audit/record";
import { databaseBackends, type ServingBackends } from "./serving";
import { upsertEntry } from "./index/store";
import type { secretRefInput } from "./secret-input";

/** What leaves the server about deleted secrets: names and dates only. */
export const deletedSecretsViewSchema = z.object({
  /** False when the namespace's backend keeps no deleted secrets (then Recover and Purge are not offered). */
  supported: z.boolean(),
  readOnly: z.boolean(),
  items: z.array(z.object({ key: z.string(), deletedOn: z.string().nullable(), purgeOn: z.string().nullable() })),
});
export type DeletedSecretsView = z.infer<typeof deletedSecretsViewSchema>;

async function served(serving: ServingBackends, tenant: TenantRef, namespace: string) {
  if (!(await serving.namespaceExists(tenant, namespace)))
    throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
  const effective = (await serving.effective(tenant, [namespace])).get(namespace)!;
  return { effective, backend: await serving.open(tenant, effective) };
}

/** The namespace's deleted secrets (Azure Key Vault's soft delete), selected as its live secrets are. */
export async function listDeletedSecrets(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<DeletedSecretsView> {
  const { effective, backend } = await served(serving, tenant, namespace);
  if (!backend.softDelete) return { supported: false, readOnly: effective.readOnly, items: [] };
  const items = await backend.softDelete.listDeleted({ tenant: tenant.slug, namespace });
  return deletedSecretsViewSchema.parse({ supported: true, readOnly: effective.readOnly, items });
}

/** Recover or purge: refused for a read-only configuration before any backend call; audited when done. */
async function change(
  operation: "recover" | "purge",
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof secretRefInput>,
  serving: ServingBackends,
) {
  const { effective, backend } = await served(serving, tenant, input.namespace);
  if (effective.readOnly)
    throw new KeyholdError(
      "read-only",
      `The secrets manager serving ${input.namespace} is read-only: Keyhold does not recover or purge its secrets.`,
    );
  if (!backend.softDelete)
    throw new KeyholdError("invalid-input", `The secrets manager serving ${input.namespace} keeps no deleted secrets.`);
  const ref = { tenant: tenant.slug, namespace: input.namespace, key: input.key };
  if (operation === "recover") {
    const entry = await backend.softDelete.recover(ref);
    const source = await serving.source(tenant, effective);
    await upsertEntry(prisma, source.key, entry);
  } else {
    await backend.softDelete.purge(ref);
  }
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace: input.namespace,
    actor: session.actor,
    action: operation === "recover" ? "secret.recovered" : "secret.purged",
    outcome: "success",
    details: { key: input.key, backend: backend.type },
  });
}

export const recoverSecret = (
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof secretRefInput>,
  serving: ServingBackends = databaseBackends(prisma),
) => change("recover", prisma, tenant, session, input, serving);

export const purgeSecret = (
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof secretRefInput>,
  serving: ServingBackends = databaseBackends(prisma),
) => change("purge", prisma, tenant, session, input, serving);
