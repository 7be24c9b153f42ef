import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { namespaceLineage } from "./names";
import { recordAudit } from "../audit/record";

export async function listNamespaces(prisma: PrismaClient, tenantId: string): Promise<string[]> {
  const rows = await prisma.namespace.findMany({
    where: { tenantId },
    select: { path: true },
    orderBy: { path: "asc" },
  });
  return rows.map((r) => r.path);
}

export async function findNamespace(prisma: PrismaClient, tenantId: string, path: string) {
  return prisma.namespace.findUnique({
    where: { tenantId_path: { tenantId, path } },
    select: { id: true, path: true },
  });
}

/** Creates a namespace and any missing parents (`company.team` implies `company`). */
export async function createNamespace(
  prisma: PrismaClient,
  tenantId: string,
  path: string,
  actor: string,
): Promise<{ created: string[] }> {
  if (await findNamespace(prisma, tenantId, path)) {
    throw new KeyholdError("already-exists", `Namespace '${path}' already exists.`, {
      path: "This namespace already exists",
    });
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const lineage = namespaceLineage(path);
      const existing = new Set(
        (await tx.namespace.findMany({ where: { tenantId, path: { in: lineage } }, select: { path: true } })).map(
          (r) => r.path,
        ),
      );
      const created = lineage.filter((p) => !existing.has(p));
      await tx.namespace.createMany({ data: created.map((p) => ({ tenantId, path: p })) });
      await recordAudit(tx, {
        tenantId,
        namespace: path,
        actor,
        action: "namespace.created",
        outcome: "success",
        details: { created },
      });
      return { created };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new KeyholdError("already-exists", `Namespace '${path}' already exists.`, {
        path: "This namespace already exists",
      });
    }
    throw error;
  }
}

export interface NamespaceNode {
  path: string;
  name: string;
  children: NamespaceNode[];
}

/** Builds the sidebar tree; paths arrive sorted, and parents always exist as rows. */
export function namespaceTree(paths: string[]): NamespaceNode[] {
  const roots: NamespaceNode[] = [];
  const byPath = new Map<string, NamespaceNode>();
  for (const path of [...paths].sort()) {
    const i = path.lastIndexOf(".");
    const node = { path, name: i < 0 ? path : path.slice(i + 1), children: [] };
    byPath.set(path, node);
    const parent = i < 0 ? undefined : byPath.get(path.slice(0, i));
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
