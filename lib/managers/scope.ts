import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { findNamespace } from "../tenancy/namespaces";

/** A dedicated manager hangs off a tenant (namespace null) or one of its namespaces. */
export interface ResolvedScope {
  tenantId: string;
  namespaceId: string | null;
  namespace: string | null;
  scopeKey: string;
}

export async function resolveScope(
  prisma: PrismaClient,
  tenantId: string,
  namespace: string | null | undefined,
): Promise<ResolvedScope> {
  if (!namespace) return { tenantId, namespaceId: null, namespace: null, scopeKey: "tenant" };
  const ns = await findNamespace(prisma, tenantId, namespace);
  if (!ns) throw new KeyholdError("not-found", `Namespace '${namespace}' does not exist.`);
  return { tenantId, namespaceId: ns.id, namespace: ns.path, scopeKey: `ns:${ns.id}` };
}
