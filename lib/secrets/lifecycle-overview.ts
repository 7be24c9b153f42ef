import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { TenantRef } from "../tenancy/tenant-ref";
import { lifecycleCounts, type LifecycleCounts } from "./index/lifecycle";
import { attachmentOf, servedOf } from "./lineage-sources";
import { databaseBackends, type ServingBackends } from "./serving";

/**
 * Per namespace, how many of its own secrets expire within 30 days, are disabled, or were not changed for 90 days,
 * from the index as it is (the overview never scans); a namespace whose backend cannot be used is left out.
 */
export async function namespaceLifecycleCounts(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespaces: string[],
  serving: ServingBackends = databaseBackends(prisma),
  now: Date = new Date(),
): Promise<Map<string, LifecycleCounts>> {
  if (!namespaces.length) return new Map();
  const { served } = await servedOf(serving, tenant, namespaces);
  return lifecycleCounts(
    prisma,
    {
      tenant: tenant.slug,
      namespaces: served.map((s) => ({
        namespace: s.namespace,
        sourceKey: s.source.key,
        attachmentNamespace: attachmentOf(s.effective),
      })),
    },
    now,
  );
}
