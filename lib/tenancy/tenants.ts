import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { recordAudit } from "../audit/record";

export interface TenantSummary {
  slug: string;
  displayName: string;
  namespaceCount: number;
}

/** Lists tenants; `onlyIds` (null for all) keeps a caller to the tenants it holds a role in. */
export async function listTenants(prisma: PrismaClient, onlyIds: string[] | null): Promise<TenantSummary[]> {
  const rows = await prisma.tenant.findMany({
    where: onlyIds === null ? {} : { id: { in: onlyIds } },
    orderBy: { slug: "asc" },
    select: { slug: true, displayName: true, _count: { select: { namespaces: true } } },
  });
  return rows.map((r) => ({ slug: r.slug, displayName: r.displayName, namespaceCount: r._count.namespaces }));
}

export async function createTenant(prisma: PrismaClient, slug: string, displayName: string, actor: string) {
  const existing = await prisma.tenant.findUnique({ where: { slug }, select: { id: true } });
  if (existing)
    throw new KeyholdError("already-exists", `A tenant with id '${slug}' already exists.`, {
      slug: "This id is taken",
    });
  try {
    return await prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({
        data: { slug, displayName },
        select: { id: true, slug: true, displayName: true },
      });
      await recordAudit(tx, {
        tenantId: tenant.id,
        actor,
        action: "tenant.created",
        outcome: "success",
        details: { slug, displayName },
      });
      return tenant;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new KeyholdError("already-exists", `A tenant with id '${slug}' already exists.`, {
        slug: "This id is taken",
      });
    }
    throw error;
  }
}
