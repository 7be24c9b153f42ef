import "server-only";
import type { PrismaClient } from "../../db/generated/client";
import type { LineageEntry } from "./query";

export interface FoundEntry {
  sourceKey: string;
  /** The lineage namespace whose list shows it. */
  source: string;
  backendName: string;
  namespace: string | null;
  tenantTag: string | null;
}

/**
 * The secret `key` as a namespace's list shows it (visibility as listVisible's: the nearer namespace wins, then a
 * secret of that exact namespace over one of the attachment scope), or null. One indexed lookup by key.
 */
export async function findVisible(
  prisma: PrismaClient,
  input: { tenant: string; key: string; lineage: LineageEntry[] },
): Promise<FoundEntry | null> {
  if (!input.lineage.length) return null;
  const l = input.lineage;
  const rows = await prisma.$queryRaw<FoundEntry[]>`
    SELECT e."sourceKey", l."ns" AS "source", e."backendName", e."namespace", e."tenantTag"
    FROM unnest(${l.map((x) => x.namespace)}::text[], ${l.map((x) => x.depth)}::int[],
      ${l.map((x) => x.sourceKey)}::text[], ${l.map((x) => x.attachmentNamespace)}::text[]) AS l("ns", "depth", "src", "att")
    JOIN "SecretIndexSource" s ON s."key" = l."src"
    JOIN "SecretIndexEntry" e ON e."sourceKey" = l."src" AND e."generation" = COALESCE(s."servedGeneration", s."scanGeneration")
    WHERE e."key" = ${input.key}
      AND (e."tenantTag" IS NULL OR e."tenantTag" = ${input.tenant})
      AND (e."namespace" = l."ns" OR (e."namespace" IS NULL AND (l."att" IS NULL OR l."att" = l."ns")))
    ORDER BY l."depth", (e."namespace" IS NULL), e."backendName"
    LIMIT 1`;
  return rows[0] ?? null;
}
