import "server-only";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import { timestampOf } from "./entry";
import { tenantVisibleRows, type ListTenantInput } from "./query";

/** The Secrets tab's lifecycle filters (URL `filter=`), and what the tenant overview counts per namespace. */
export const LIFECYCLE_FILTERS = ["expiring", "disabled", "stale"] as const;
export type LifecycleFilter = (typeof LIFECYCLE_FILTERS)[number];

/** "expires within 30 days" (already expired included), "not changed for 90 days". */
export const EXPIRING_DAYS = 30;
export const STALE_DAYS = 90;

const DAY_MS = 86_400_000;
// The index stores UTC timestamps without a zone (as Prisma does); compare with the same text.
const timestamp = (d: Date) => Prisma.sql`${timestampOf(d)}::timestamp`;

/**
 * The SQL condition of a filter on the visible rows (`alias` has `expiresAt`, `enabled` and `updatedKey`, the last
 * changed time or -infinity). A row whose backend does not tell the time is never "not changed for 90 days".
 */
export function lifecycleCondition(filter: LifecycleFilter, alias: string, now: Date = new Date()): Prisma.Sql {
  const a = Prisma.raw(alias);
  if (filter === "expiring")
    return Prisma.sql`(${a}."expiresAt" IS NOT NULL AND ${a}."expiresAt" < ${timestamp(new Date(now.getTime() + EXPIRING_DAYS * DAY_MS))})`;
  if (filter === "disabled") return Prisma.sql`(${a}."enabled" = false)`;
  return Prisma.sql`(${a}."updatedKey" > '-infinity'::timestamp AND ${a}."updatedKey" < ${timestamp(new Date(now.getTime() - STALE_DAYS * DAY_MS))})`;
}

/** The lifecycle columns a page shows, from the entry alias. */
export const LIFECYCLE_DETAILS = (alias: string) => {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}."enabled", ${a}."expiresAt", ${a}."notBefore", ${a}."lastRotatedAt", ${a}."nextRotationAt",
    ${a}."versionCreatedAt"`;
};

export type LifecycleCounts = Record<LifecycleFilter, number>;

/** Per namespace of the tenant, how many of its own secrets each filter selects (the tenant overview). */
export async function lifecycleCounts(
  prisma: PrismaClient,
  input: Pick<ListTenantInput, "tenant" | "namespaces">,
  now: Date = new Date(),
): Promise<Map<string, LifecycleCounts>> {
  const out = new Map<string, LifecycleCounts>();
  if (!input.namespaces.length) return out;
  const rows = await prisma.$queryRaw<{ source: string; expiring: bigint; disabled: bigint; stale: bigint }[]>`
    WITH v AS (${tenantVisibleRows(input, true)})
    SELECT v."source",
      count(*) FILTER (WHERE ${lifecycleCondition("expiring", "v", now)}) AS "expiring",
      count(*) FILTER (WHERE ${lifecycleCondition("disabled", "v", now)}) AS "disabled",
      count(*) FILTER (WHERE ${lifecycleCondition("stale", "v", now)}) AS "stale"
    FROM v GROUP BY v."source"`;
  for (const r of rows)
    out.set(r.source, { expiring: Number(r.expiring), disabled: Number(r.disabled), stale: Number(r.stale) });
  return out;
}
