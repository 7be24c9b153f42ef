import "server-only";
import type { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Session } from "../auth/session";
import { KeyholdError } from "../errors";
import { effectiveBackends } from "../managers/effective";
import type { TenantRef } from "../tenancy/tenant-ref";
import { findNamespace } from "../tenancy/namespaces";
import { dropCachedDetails } from "./namespace-secrets";
import { backendFor } from "./backend-for";
import type { createSecretInput, secretRefInput, updateSecretInput } from "./secret-input";

async function ownBackend(prisma: PrismaClient, tenant: TenantRef, namespace: string) {
  if (!(await findNamespace(prisma, tenant.id, namespace))) throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
  const effective = (await effectiveBackends(prisma, tenant, [namespace])).get(namespace)!;
  if (effective.readOnly) {
    // Refused here, before the adapter (which refuses again) and before any network call.
    throw new KeyholdError("read-only", `The secrets manager serving ${namespace} is read-only: Keyhold does not create, change or delete its secrets.`);
  }
  const backend = await backendFor(prisma, tenant, effective);
  return { backend, done: () => dropCachedDetails(effective, tenant.id) };
}

async function audit(prisma: PrismaClient, tenant: TenantRef, session: Session, namespace: string, action: string, details: object) {
  await prisma.auditEvent.create({ data: { tenantId: tenant.id, namespace, actor: session.actor, action, outcome: "success", details } });
}

export async function createSecret(prisma: PrismaClient, tenant: TenantRef, session: Session, input: z.output<typeof createSecretInput>) {
  const { backend, done } = await ownBackend(prisma, tenant, input.namespace);
  await backend.write({ tenant: tenant.slug, namespace: input.namespace, key: input.key, value: input.value, description: input.description, tags: input.tags });
  done();
  await audit(prisma, tenant, session, input.namespace, "secret.created", { key: input.key, tags: Object.keys(input.tags), backend: backend.type });
}

export async function updateSecret(prisma: PrismaClient, tenant: TenantRef, session: Session, input: z.output<typeof updateSecretInput>) {
  const { backend, done } = await ownBackend(prisma, tenant, input.namespace);
  await backend.update({ tenant: tenant.slug, namespace: input.namespace, key: input.key, value: input.value, description: input.description, tags: input.tags });
  done();
  await audit(prisma, tenant, session, input.namespace, "secret.updated", { key: input.key, value: input.value !== undefined ? "replaced" : "unchanged", tags: Object.keys(input.tags), backend: backend.type });
}

export async function deleteSecret(prisma: PrismaClient, tenant: TenantRef, session: Session, input: z.output<typeof secretRefInput>) {
  const { backend, done } = await ownBackend(prisma, tenant, input.namespace);
  await backend.delete({ tenant: tenant.slug, namespace: input.namespace, key: input.key });
  done();
  await audit(prisma, tenant, session, input.namespace, "secret.deleted", { key: input.key, backend: backend.type });
}
