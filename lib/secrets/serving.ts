import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { SecretsBackend } from "../backends/adapter";
import { effectiveBackends } from "../managers/effective";
import type { TenantRef } from "../tenancy/tenant-ref";
import { findNamespace } from "../tenancy/namespaces";
import { backendFor } from "./backend-for";
import type { EffectiveBackend } from "./effective-backend";

/**
 * How the listing pipeline, verify and mutations find namespaces and the backends serving them. The
 * database's is the only one in the product; unit tests pass in-memory backends (tests/support/memory-backend.ts).
 */
export interface ServingBackends {
  namespaceExists(tenant: TenantRef, namespace: string): Promise<boolean>;
  /** The effective backend of each namespace (null: the tenant itself). */
  effective(tenant: TenantRef, namespaces: (string | null)[]): Promise<Map<string | null, EffectiveBackend>>;
  /** The adapter serving an effective backend. */
  open(tenant: TenantRef, effective: EffectiveBackend): Promise<SecretsBackend>;
}

export function databaseBackends(prisma: PrismaClient): ServingBackends {
  return {
    namespaceExists: async (tenant, namespace) => !!(await findNamespace(prisma, tenant.id, namespace)),
    effective: (tenant, namespaces) => effectiveBackends(prisma, tenant, namespaces),
    open: (tenant, effective) => backendFor(prisma, tenant, effective),
  };
}
