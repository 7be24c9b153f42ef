import "server-only";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import { searchNeedle } from "../../backends/search";
import { SEARCH_SEPARATOR, searchPattern } from "./entry";
import type { IndexRow, ListVisibleInput, RawRow, SourceStamp } from "./query";

// What the list pages share (query.ts, ordered.ts): the page size, the row as a page shows it, and the totals.

export const limitOf = (limit: number | undefined) => Math.min(Math.max(Math.trunc(limit ?? 50), 1), 500);

export const indexRow = (r: Omit<RawRow, "nsSort" | "total">): IndexRow => ({
  key: r.key,
  namespace: r.namespace,
  source: r.source,
  inherited: r.depth > 0,
  description: r.description,
  tags: r.tags ?? {},
  subkeys: r.subkeys,
  updatedAt: r.updatedAt ? r.updatedAt.toISOString() : null,
  version: r.version,
  backendName: r.backendName,
  sourceKey: r.sourceKey,
  enabled: r.enabled ?? null,
  expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
  notBefore: r.notBefore ? r.notBefore.toISOString() : null,
  lastRotatedAt: r.lastRotatedAt ? r.lastRotatedAt.toISOString() : null,
  nextRotationAt: r.nextRotationAt ? r.nextRotationAt.toISOString() : null,
  versionCreatedAt: r.versionCreatedAt ? r.versionCreatedAt.toISOString() : null,
});

/**
 * The candidate rows of a lineage as one branch per lineage namespace and kind (its own namespace's rows, its
 * attachment scope's): what a total counts; with `keys`, only those keys' rows (index lookups by key).
 */
function branches(input: ListVisibleInput, keys?: string[]): Prisma.Sql {
  const lineage = [...input.lineage].sort((a, b) => a.depth - b.depth);
  const only = keys ? Prisma.sql`AND e."sortKey" = ANY(${keys}::text[])` : Prisma.empty;
  return Prisma.join(
    lineage.flatMap((l) =>
      (l.attachmentNamespace === null || l.attachmentNamespace === l.namespace ? [false, true] : [false]).map(
        (scope) => Prisma.sql`(SELECT ${l.depth}::int AS "depth", ${scope ? 1 : 0}::int AS "scoped", e."sortKey",
          e."backendName", e."searchText"
        FROM "SecretIndexEntry" e
        WHERE e."sourceKey" = ${l.sourceKey}
          AND e."generation" = (SELECT COALESCE(s."servedGeneration", s."scanGeneration")
            FROM "SecretIndexSource" s WHERE s."key" = ${l.sourceKey})
          AND ${scope ? Prisma.sql`e."namespace" IS NULL` : Prisma.sql`e."namespace" = ${l.namespace}`}
          AND e."key" IS NOT NULL AND (e."tenantTag" IS NULL OR e."tenantTag" = ${input.tenant}) ${only})`,
      ),
    ),
    " UNION ALL ",
  );
}

/** Each key's winner (as visibleRows picks it) among `rows`, counted when it matches the search. */
const countMatchingWinners = (rows: Prisma.Sql, needle: string) => {
  const pattern = searchPattern(needle);
  return Prisma.sql`SELECT count(*) AS "total" FROM (SELECT DISTINCT ON (b."sortKey") b."searchText" FROM (${rows}) b
        ORDER BY b."sortKey", b."depth", b."scoped", b."backendName" COLLATE "C") v
      WHERE v."searchText" LIKE ${pattern} AND strpos(${needle}, ${SEARCH_SEPARATOR}) = 0`;
};

/**
 * The count statement of a list (exported for EXPLAIN in scripts/bench): without a search the candidates' distinct
 * keys; with one, the merged rows (each key's winner, as visibleRows picks it) that match. `keys`: the keys with a
 * matching row, when known (countVisible's probe), so that only their rows are merged.
 */
export function countQuery(input: ListVisibleInput, keys?: string[]): Prisma.Sql {
  const needle = searchNeedle(input.search);
  if (!needle)
    return Prisma.sql`SELECT count(*) AS "total" FROM (SELECT DISTINCT b."sortKey" FROM (${branches(input)}) b) k`;
  if (keys) return countMatchingWinners(branches(input, keys), needle);
  // Only keys with a matching row can have a matching winner: those are found through the trigram index first, and
  // only their rows are merged (instead of every candidate's), then each winner is matched again.
  const narrow = branches(input);
  return countMatchingWinners(
    Prisma.sql`SELECT b.* FROM (${narrow}) b
        WHERE b."sortKey" IN (SELECT m."sortKey" FROM (${narrow}) m WHERE m."searchText" LIKE ${searchPattern(needle)})`,
    needle,
  );
}

/**
 * How many matching rows the search count's probe reads before it leaves the merge to one statement. Below it the
 * matching keys are fetched first (the trigram index) and only their rows merged by key lookups; PostgreSQL's own plan
 * for the one statement hashes every candidate row of the lineage (50,000 rows: 25 ms for a needle matching one key).
 */
const SEARCH_PROBE_ROWS = 1000;

/** The keys with a row matching the search, or null when more than `limit` rows match (the probe stops there). */
async function matchingKeys(prisma: PrismaClient, input: ListVisibleInput, needle: string, limit: number) {
  const rows = await prisma.$queryRaw<{ sortKey: string }[]>`SELECT m."sortKey" FROM (${branches(input)}) m
    WHERE m."searchText" LIKE ${searchPattern(needle)} LIMIT ${limit + 1}`;
  return rows.length > limit ? null : [...new Set(rows.map((r) => r.sortKey))];
}

// Totals per database client by tenant, search, lineage and each source's creation time, served generation and
// revision (read before counting): a refresh serves a new generation, a write-through bumps the revision, a dropped
// and recreated source starts again with a new creation time. Not kept while a first scan fills a source.
const totalsByClient = new WeakMap<PrismaClient, Map<string, number>>();
const TOTALS_KEPT = 1000;

function totalsOf(prisma: PrismaClient) {
  let totals = totalsByClient.get(prisma);
  if (!totals) totalsByClient.set(prisma, (totals = new Map()));
  return totals;
}

function keepTotal(totals: Map<string, number>, key: string, total: number) {
  totals.delete(key);
  totals.set(key, total);
  if (totals.size > TOTALS_KEPT) totals.delete(totals.keys().next().value!);
}

async function totalKeyOf(prisma: PrismaClient, input: ListVisibleInput, needle: string | null) {
  const keys = [...new Set(input.lineage.map((l) => l.sourceKey))].sort();
  const given = new Map((input.stamps ?? []).map((s) => [s.key, s]));
  const sources = keys.every((k) => given.has(k))
    ? keys.map((k) => given.get(k)!)
    : await prisma.$queryRaw<SourceStamp[]>`
        SELECT "key", "servedGeneration" AS "served", "revision", "createdAt" AS "created" FROM "SecretIndexSource"
        WHERE "key" = ANY(${keys}::text[]) ORDER BY "key" COLLATE "C"`;
  if (sources.length !== keys.length || sources.some((s) => s.served === null)) return null;
  const lineage = [...input.lineage]
    .sort((a, b) => a.depth - b.depth)
    .map((l) => [l.namespace, l.depth, l.sourceKey, l.attachmentNamespace]);
  return JSON.stringify([
    input.tenant,
    needle,
    lineage,
    sources.map((s) => [s.key, s.created.toISOString(), s.served, s.revision]),
  ]);
}

/**
 * The total of a list (rows matching the search, all pages), counted once per data revision and kept in this
 * process (a list page, Next and Previous, and 50 viewers of one namespace count once).
 */
export async function countVisible(prisma: PrismaClient, input: ListVisibleInput): Promise<number> {
  const needle = searchNeedle(input.search);
  const totalKey = await totalKeyOf(prisma, input, needle);
  const totals = totalsOf(prisma);
  const cached = totalKey === null ? undefined : totals.get(totalKey);
  if (cached !== undefined) return cached;
  const keys = needle ? await matchingKeys(prisma, input, needle, SEARCH_PROBE_ROWS) : null;
  const rows =
    keys?.length === 0
      ? [{ total: 0 }]
      : await prisma.$queryRaw<{ total: bigint | number }[]>(countQuery(input, keys ?? undefined));
  const total = Number(rows[0]?.total ?? 0);
  if (totalKey !== null) keepTotal(totals, totalKey, total);
  return total;
}
