import "server-only";
import type { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Session } from "../auth/session";
import { KeyholdError } from "../errors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { BackendError } from "../backends/backend-error";
import { databaseBackends, type ServingBackends } from "./serving";
import { findSecret } from "./secret-lookup";
import { removeEntry, upsertEntry } from "./index/store";
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
  const source = await serving.source(tenant, effective);
  return { backend, source };
}

/** The namespace's own secret `key` as the index knows it (its backend name), or undefined. */
async function indexed(
  prisma: PrismaClient,
  serving: ServingBackends,
  tenant: TenantRef,
  namespace: string,
  key: string,
) {
  const hit = await findSecret(prisma, serving, tenant, namespace, key, { ownOnly: true });
  return hit
    ? { backendName: hit.found.backendName, namespace: hit.found.namespace, tenantTag: hit.found.tenantTag }
    : undefined;
}

// Writes through Keyhold update their index row in the same request, so every instance's next list shows them.

export async function createSecret(
  prisma: PrismaClient,
  tenant: TenantRef,
  session: Session,
  input: z.output<typeof createSecretInput>,
  serving: ServingBackends = databaseBackends(prisma),
) {
  const { backend, source } = await ownBackend(serving, tenant, input.namespace);
  if (await indexed(prisma, serving, tenant, input.namespace, input.key))
    throw new BackendError("conflict", `A secret with key '${input.key}' already exists in ${input.namespace}.`);
  const entry = await backend.write({
    tenant: tenant.slug,
    namespace: input.namespace,
    key: input.key,
    value: input.value,
    description: input.description,
    tags: input.tags,
  });
  await upsertEntry(prisma, source.key, entry);
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
  const { backend, source } = await ownBackend(serving, tenant, input.namespace);
  const found = await indexed(prisma, serving, tenant, input.namespace, input.key);
  const entry = await backend.update({
    found,
    tenant: tenant.slug,
    namespace: input.namespace,
    key: input.key,
    value: input.value,
    description: input.description,
    tags: input.tags,
  });
  await upsertEntry(prisma, source.key, entry);
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
  const { backend, source } = await ownBackend(serving, tenant, input.namespace);
  const found = await indexed(prisma, serving, tenant, input.namespace, input.key);
  const { backendName } = await backend.delete({
    tenant: tenant.slug,
    namespace: input.namespace,
    key: input.key,
    found,
  });
  await removeEntry(prisma, source.key, { backendName });
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace: input.namespace,
    actor: session.actor,
    action: "secret.deleted",
    outcome: "success",
    details: { key: input.key, backend: backend.type },
  });
}
