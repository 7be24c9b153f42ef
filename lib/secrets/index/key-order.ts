import "server-only";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import { searchNeedle } from "../../backends/search";
import { decodeCursor, encodeCursor } from "./cursor";
import { SEARCH_SEPARATOR } from "./entry";
import type { IndexPage, IndexRow, ListVisibleInput, RawRow } from "./query";
import { LIFECYCLE_DETAILS } from "./lifecycle";

// The key order's fast path of listVisible (query.ts), and what both share.

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

interface BranchRow extends Omit<RawRow, "nsSort" | "total"> {
  scoped: number;
  searchText: string;
}

/**
 * The candidate rows of a lineage as one branch per lineage namespace and kind (its own namespace's rows, its
 * attachment scope's), each an index range from `from` on. With `take`, each branch is its first `take` rows in
 * sort-key order (an index scan that stops: the first `take` merged rows are among them) with the columns a page shows.
 * The scope's branch orders by its namespace (all null) too, or the planner would not read its index in order.
 */
function branches(input: ListVisibleInput, from: string | null, take: number | null): Prisma.Sql {
  const lineage = [...input.lineage].sort((a, b) => a.depth - b.depth);
  const details = take
    ? Prisma.sql`, e."key", e."namespace", e."description", e."tags", e."subkeys", e."backendUpdatedAt" AS "updatedAt",
      e."version", ${LIFECYCLE_DETAILS("e")}`
    : Prisma.empty;
  return Prisma.join(
    lineage.flatMap((l) =>
      (l.attachmentNamespace === null || l.attachmentNamespace === l.namespace ? [false, true] : [false]).map(
        (scope) => Prisma.sql`(SELECT ${l.namespace}::text AS "source", ${l.depth}::int AS "depth",
          ${scope ? 1 : 0}::int AS "scoped", e."sortKey", e."sourceKey", e."backendName", e."searchText" ${details}
        FROM "SecretIndexEntry" e
        WHERE e."sourceKey" = ${l.sourceKey}
          AND e."generation" = (SELECT COALESCE(s."servedGeneration", s."scanGeneration")
            FROM "SecretIndexSource" s WHERE s."key" = ${l.sourceKey})
          AND ${scope ? Prisma.sql`e."namespace" IS NULL` : Prisma.sql`e."namespace" = ${l.namespace}`}
          AND e."key" IS NOT NULL AND (e."tenantTag" IS NULL OR e."tenantTag" = ${input.tenant})
          ${from === null ? Prisma.empty : Prisma.sql`AND e."sortKey" >= ${from}`}
          ${take ? Prisma.sql`ORDER BY ${scope ? Prisma.sql`e."namespace", ` : Prisma.empty}e."sortKey" LIMIT ${take}` : Prisma.empty})`,
      ),
    ),
    " UNION ALL ",
  );
}

const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// The merge's order within a key (visibleRows' DISTINCT ON): nearest namespace, own namespace before the scope,
// smaller backend name.
const wins = (a: BranchRow, b: BranchRow) =>
  a.depth !== b.depth
    ? a.depth < b.depth
    : a.scoped !== b.scoped
      ? a.scoped < b.scoped
      : bytewise(a.backendName, b.backendName) < 0;

/** Statements of the key order's fast path (exported for EXPLAIN in scripts/bench). */
export function keyOrderQueries(input: ListVisibleInput, from: string | null, take: number) {
  const needle = searchNeedle(input.search);
  const narrow = branches(input, null, null);
  return {
    rows: Prisma.sql`SELECT * FROM (${branches(input, from, take)}) b ORDER BY b."sortKey" LIMIT ${take}`,
    // Without a search the rows are the candidates' distinct keys; with one, the merged rows that match.
    count: needle
      ? Prisma.sql`SELECT count(*) AS "total" FROM (SELECT DISTINCT ON (b."sortKey") b."searchText" FROM (${narrow}) b
          ORDER BY b."sortKey", b."depth", b."scoped", b."backendName" COLLATE "C") v
        WHERE strpos(v."searchText", ${needle}) > 0 AND strpos(${needle}, ${SEARCH_SEPARATOR}) = 0`
      : Prisma.sql`SELECT count(*) AS "total" FROM (SELECT DISTINCT b."sortKey" FROM (${narrow}) b) k`,
  };
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
  const sources = await prisma.$queryRaw<{ key: string; served: number | null; revision: number; created: Date }[]>`
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
 * The key order (ascending) without sorting every row: reads the branches' first rows in sort-key order, keeps each
 * key's winner, then search and keyset, as the full merge does; reads on (4x as many rows) while keys are missing.
 * Null when a few reads do not fill the page (a rare search): the full merge serves it.
 */
export async function keyOrderPage(prisma: PrismaClient, input: ListVisibleInput): Promise<IndexPage | null> {
  const limit = limitOf(input.limit);
  const after = input.cursor ? decodeCursor(input.cursor, "key", "asc") : null;
  const needle = searchNeedle(input.search);
  const matches = (r: BranchRow) => !needle || (r.searchText.includes(needle) && !needle.includes(SEARCH_SEPARATOR));
  const pastCursor = (r: BranchRow) =>
    !after ||
    r.sortKey !== after[0] ||
    bytewise(r.sourceKey, after[1]) > 0 ||
    (r.sourceKey === after[1] && bytewise(r.backendName, after[2]) > 0);
  const totalKey = await totalKeyOf(prisma, input, needle);
  const totals = totalsOf(prisma);
  const cached = totalKey === null ? undefined : totals.get(totalKey);
  const counted =
    cached ??
    prisma.$queryRaw<{ total: bigint | number }[]>(keyOrderQueries(input, null, 0).count).then((r) => {
      const total = Number(r[0]?.total ?? 0);
      if (totalKey !== null) keepTotal(totals, totalKey, total);
      return total;
    });
  const picked: BranchRow[] = [];
  let from = after ? after[0] : null;
  let take = needle ? Math.max(4 * (limit + 1), 200) : limit + 3;
  let done = false;
  for (let read = 0; read < 4 && !done; read++, take *= 4) {
    const rows = await prisma.$queryRaw<BranchRow[]>(keyOrderQueries(input, from, take).rows);
    done = rows.length < take;
    // The last key may go on past this read: it waits for the next one.
    let end = rows.length;
    if (!done) while (end > 0 && rows[end - 1].sortKey === rows[rows.length - 1].sortKey) end--;
    for (let i = 0; i < end && picked.length <= limit;) {
      let winner = rows[i];
      for (i++; i < end && rows[i].sortKey === winner.sortKey; i++) if (wins(rows[i], winner)) winner = rows[i];
      if (pastCursor(winner) && matches(winner)) picked.push(winner);
    }
    if (picked.length > limit) done = true;
    else if (!done && end > 0) from = rows[end].sortKey;
  }
  const total = await counted;
  if (!done) return null;
  const more = picked.length > limit;
  const shown = picked.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(indexRow),
    total,
    nextCursor:
      more && last
        ? encodeCursor({ sort: "key", dir: "asc", values: [last.sortKey, last.sourceKey, last.backendName] })
        : null,
  };
}
