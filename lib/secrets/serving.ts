import "server-only";
import { createHmac } from "node:crypto";
import { deriveSecret } from "../crypto";
import type { PrismaClient } from "../db/generated/client";
import type { SecretsBackend } from "../backends/adapter";
import { BackendError } from "../backends/backend-error";
import { indexPolicyOf, type CacheSection } from "../backends/cache-settings";
import { globalConfig } from "../config/global";
import { serverEnv } from "../env";
import { globalCandidate } from "../managers/effective";
import { fromDbType } from "../backends/descriptors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { findNamespace } from "../tenancy/namespaces";
import { backendFor } from "./backend-for";
import { resolveEffectiveBackend, type EffectiveBackend } from "./effective-backend";
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
  /** The dedicated manager's version and settings when the caller read them already (databaseBackends). */
  known?: ConfigStamp,
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
  const row =
    known ??
    (await prisma.secretsManagerConfig.findFirst({
      where: { id: effective.configId ?? "", tenantId: tenant.id },
      select: { id: true, version: true, settings: true },
    }));
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

interface ConfigStamp {
  id: string;
  version: number;
  settings: unknown;
}

/**
 * The database's serving backends for one call (a list, a lookup, a write): the tenant's configurations are read
 * once, with their versions and cache settings, for both the effective backends and their index sources.
 */
export function databaseBackends(prisma: PrismaClient): ServingBackends {
  const read = new Map<string, ConfigStamp>();
  return {
    namespaceExists: async (tenant, namespace) => !!(await findNamespace(prisma, tenant.id, namespace)),
    effective: async (tenant, namespaces) => {
      const rows = await prisma.secretsManagerConfig.findMany({
        where: { tenantId: tenant.id },
        select: {
          id: true,
          type: true,
          readOnly: true,
          enabled: true,
          version: true,
          settings: true,
          namespace: { select: { path: true } },
        },
      });
      for (const r of rows) read.set(r.id, { id: r.id, version: r.version, settings: r.settings });
      const configs = rows.map((r) => ({
        id: r.id,
        type: fromDbType(r.type),
        readOnly: r.readOnly,
        enabled: r.enabled,
        namespace: r.namespace?.path ?? null,
      }));
      const global = globalCandidate();
      return new Map(namespaces.map((ns) => [ns, resolveEffectiveBackend(tenant.slug, ns, configs, global)]));
    },
    open: (tenant, effective) => backendFor(prisma, tenant, effective),
    source: (tenant, effective) =>
      databaseSource(prisma, tenant, effective, effective.configId ? read.get(effective.configId) : undefined),
  };
}
