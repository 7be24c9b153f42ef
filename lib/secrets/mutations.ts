import "server-only";
import type { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Session } from "../auth/session";
import { KeyholdError } from "../errors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { dropCachedDetails } from "./row-details";
import { databaseBackends, type ServingBackends } from "./serving";
import type { createSecretInput, secretRefInput, updateSecretInput } from "./secret-input";
import { recordAudit } from "../audit/record";

async function ownBackend(serving: ServingBackends, tenant: TenantRef, namespace: string) {
  if (!(await serving.namespaceExists(tenant, namespace)))
    throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
  const effective = (await serving.effective(tenant, [namespace])).get(namespace)!;
  if (effective.readOnly) {
    // Refused here, before the adapter (which refuses again) and before any network call.
    throw new KeyholdError(
      "read-only",
      `The secrets manager serving ${namespace} is read-only: Keyhold does not create, change or delete its secrets.`,
    );
  }
  const backend = await serving.open(tenant, effective);
  return { backend, done: () => dropCachedDetails(effective, tenant.id) };
}

export async function createSecret(
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof createSecretInput>,
  serving: ServingBackends = databaseBackends(prisma),
) {
  const { backend, done } = await ownBackend(serving, tenant, input.namespace);
  await backend.write({
    tenant: tenant.slug,
    namespace: input.namespace,
    key: input.key,
    value: input.value,
    description: input.description,
    tags: input.tags,
  });
  done();
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace: input.namespace,
    actor: session.actor,
    action: "secret.created",
    outcome: "success",
    details: { key: input.key, tags: Object.keys(input.tags), backend: backend.type },
  });
}

export async function updateSecret(
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof updateSecretInput>,
  serving: ServingBackends = databaseBackends(prisma),
) {
  const { backend, done } = await ownBackend(serving, tenant, input.namespace);
  await backend.update({
    tenant: tenant.slug,
    namespace: input.namespace,
    key: input.key,
    value: input.value,
    description: input.description,
    tags: input.tags,
  });
  done();
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace: input.namespace,
    actor: session.actor,
    action: "secret.updated",
    outcome: "success",
    details: {
      key: input.key,
      value: input.value !== undefined ? "replaced" : "unchanged",
      tags: Object.keys(input.tags),
      backend: backend.type,
    },
  });
}

export async function deleteSecret(
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof secretRefInput>,
  serving: ServingBackends = databaseBackends(prisma),
) {
  const { backend, done } = await ownBackend(serving, tenant, input.namespace);
  await backend.delete({ tenant: tenant.slug, namespace: input.namespace, key: input.key });
  done();
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace: input.namespace,
    actor: session.actor,
    action: "secret.deleted",
    outcome: "success",
    details: { key: input.key, backend: backend.type },
  });
}
