import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { globalConfig } from "../config/global";
import {
  resolveEffectiveBackend,
  type ConfigCandidate,
  type EffectiveBackend,
  type GlobalCandidate,
} from "../secrets/effective-backend";
import type { TenantRef } from "../tenancy/tenant-ref";
import { fromDbType } from "../backends/descriptors";

export async function configCandidates(prisma: PrismaClient, tenantId: string): Promise<ConfigCandidate[]> {
  const rows = await prisma.secretsManagerConfig.findMany({
    where: { tenantId },
    select: { id: true, type: true, readOnly: true, enabled: true, namespace: { select: { path: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    type: fromDbType(r.type),
    readOnly: r.readOnly,
    enabled: r.enabled,
    namespace: r.namespace?.path ?? null,
  }));
}

export function globalCandidate(): GlobalCandidate | null {
  const backend = globalConfig().backend;
  return backend ? { file: backend.file, type: backend.settings.type, readOnly: backend.settings["read-only"] } : null;
}

/** Effective backend for each of several namespaces (null = the tenant itself), with one query. */
export async function effectiveBackends(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespaces: (string | null)[],
): Promise<Map<string | null, EffectiveBackend>> {
  const configs = await configCandidates(prisma, tenant.id);
  const global = globalCandidate();
  return new Map(namespaces.map((ns) => [ns, resolveEffectiveBackend(tenant.slug, ns, configs, global)]));
}
