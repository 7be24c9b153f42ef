import "server-only";
import { createHmac } from "node:crypto";
import { deriveSecret } from "../crypto";
import type { PrismaClient } from "../db/generated/client";
import type { SecretsBackend } from "../backends/adapter";
import { BackendError } from "../backends/backend-error";
import { indexPolicyOf, type CacheSection } from "../backends/cache-settings";
import { globalConfig } from "../config/global";
import { serverEnv } from "../env";
import { effectiveBackends } from "../managers/effective";
import type { TenantRef } from "../tenancy/tenant-ref";
import { findNamespace } from "../tenancy/namespaces";
import { backendFor } from "./backend-for";
import type { EffectiveBackend } from "./effective-backend";
import type { ServedSource } from "./index/freshness";

/**
 * How the listing pipeline, verify and mutations find namespaces, the backends serving them and their index
 * sources. The database's is the only one in the product; tests pass in-memory backends (tests/support/memory-backend.ts).
 */
export interface ServingBackends {
  namespaceExists(tenant: TenantRef, namespace: string): Promise<boolean>;
  /** The effective backend of each namespace (null: the tenant itself). */
  effective(tenant: TenantRef, namespaces: (string | null)[]): Promise<Map<string | null, EffectiveBackend>>;
  /** The adapter serving an effective backend. */
  open(tenant: TenantRef, effective: EffectiveBackend): Promise<SecretsBackend>;
  /** The index source of an effective backend: one per configuration as used, with its freshness policy. */
  source(tenant: TenantRef, effective: EffectiveBackend): Promise<ServedSource>;
}

/**
 * Source keys: a dedicated manager's id and version (a save makes a new source, and drops the old one), the
 * configuration file's settings and credentials hashed (never kept in clear), the builtin store's tenant.
 */
export async function databaseSource(
  prisma: PrismaClient,
  tenant: TenantRef,
  effective: EffectiveBackend,
): Promise<ServedSource> {
  const defaultTtl = serverEnv().KEYHOLD_LIST_CACHE_MS;
  const { source } = effective;
  if (source.kind === "builtin")
    return {
      key: `builtin:${tenant.id}`,
      tenantId: tenant.id,
      configId: null,
      ...indexPolicyOf(undefined, defaultTtl),
    };
  if (source.kind === "file") {
    const file = globalConfig().backend;
    if (!file) throw new BackendError("invalid-config", "The configuration file no longer defines a backend.");
    // Keyed (HMAC with a secret derived from the encryption key), so the stored source key tells nothing that helps
    // guess a credential of the file; a key rotation changes it, and the file's index is rescanned once.
    const digest = createHmac("sha256", deriveSecret("secrets-index-source"))
      .update(JSON.stringify([file.settings, file.credentials]))
      .digest("hex")
      .slice(0, 32);
    const cache = (file.settings as { cache?: CacheSection }).cache;
    return { key: `file:${digest}`, tenantId: null, configId: null, ...indexPolicyOf(cache, defaultTtl) };
  }
  const row = await prisma.secretsManagerConfig.findFirst({
    where: { id: effective.configId ?? "", tenantId: tenant.id },
    select: { id: true, version: true, settings: true },
  });
  if (!row)
    throw new BackendError("not-found", "The dedicated secrets manager was removed meanwhile; reload the page.");
  const cache = (row.settings as { cache?: CacheSection } | null)?.cache;
  return {
    key: `config:${row.id}:v${row.version}`,
    tenantId: tenant.id,
    configId: row.id,
    ...indexPolicyOf(cache, defaultTtl),
  };
}

export function databaseBackends(prisma: PrismaClient): ServingBackends {
  return {
    namespaceExists: async (tenant, namespace) => !!(await findNamespace(prisma, tenant.id, namespace)),
    effective: (tenant, namespaces) => effectiveBackends(prisma, tenant, namespaces),
    open: (tenant, effective) => backendFor(prisma, tenant, effective),
    source: (tenant, effective) => databaseSource(prisma, tenant, effective),
  };
}
