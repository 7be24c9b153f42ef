import "server-only";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import { searchNeedle } from "../../backends/search";
import { decodeCursor, encodeCursor, type IndexDir, type IndexSort } from "./cursor";
import { SEARCH_SEPARATOR, searchPattern, timestampOf } from "./entry";
import { countVisible, indexRow, limitOf } from "./key-order";
import { LIFECYCLE_DETAILS } from "./lifecycle";
import type { IndexPage, LineageEntry, ListVisibleInput, RawRow } from "./query";
import { sortKey } from "./sort-key";

// listVisible in every order without sorting every candidate row. The merged list (query.ts's visibleRows) keeps, per
// key, the row of the nearest namespace, its own namespace before the attachment scope, then the smaller backend
// name. Here a row is taken as it is read: one branch per lineage namespace and kind (own rows, scope rows), each an
// index range read in the page's order from the cursor on, keeping a row only when no branch ranked before it (or
// its own branch, with a smaller backend name) holds the same key (an indexed probe per row read). The branches'
// first `limit + 1` winners are merged, so a page reads about `limit + 1` rows per branch, whatever N.
// Indexes: SecretIndexEntry_list_idx (namespace, sortKey, backendName) for the key and namespace orders,
// SecretIndexEntry_updated_idx (namespace, backendUpdatedAt, sortKey, backendName) for the update-time order, whose
// rows without a time ("-infinity") are read as a branch of their own.

interface Branch {
  entry: LineageEntry;
  /** Rows without a namespace of their own (the attachment scope's), else the namespace's own rows. */
  scoped: boolean;
  /** Update-time order only: the rows without a time, or those with one. */
  part: "untimed" | "timed" | null;
}

type PageRow = Omit<RawRow, "total">;

const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sqlDir = (dir: IndexDir) => Prisma.raw(dir === "asc" ? "ASC" : "DESC");

/** The branches of a lineage in the merge's rank: nearer namespace first, its own rows before its scope's. */
function rankedBranches(lineage: LineageEntry[]): Omit<Branch, "part">[] {
  return [...lineage]
    .sort((a, b) => a.depth - b.depth)
    .flatMap((entry) =>
      (entry.attachmentNamespace === null || entry.attachmentNamespace === entry.namespace
        ? [false, true]
        : [false]
      ).map((scoped) => ({ entry, scoped })),
    );
}

const generationOf = (sourceKey: string) => Prisma.sql`(SELECT COALESCE(s."servedGeneration", s."scanGeneration")
  FROM "SecretIndexSource" s WHERE s."key" = ${sourceKey})`;

/** The rows of a branch any list may show: its source's served generation, its namespace, keyed, this tenant's. */
const branchRows = (alias: string, b: Omit<Branch, "part">, tenant: string) => {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}."sourceKey" = ${b.entry.sourceKey} AND ${a}."generation" = ${generationOf(b.entry.sourceKey)}
    AND ${b.scoped ? Prisma.sql`${a}."namespace" IS NULL` : Prisma.sql`${a}."namespace" = ${b.entry.namespace}`}
    AND ${a}."key" IS NOT NULL AND (${a}."tenantTag" IS NULL OR ${a}."tenantTag" = ${tenant})`;
};

/**
 * No branch ranked before `rank` (nor the same branch with a smaller backend name) holds the row's key: one scalar
 * subquery per row, non-null when the row wins. Not a bare NOT EXISTS: the planner would turn it into an anti-join
 * that reads the other branches whole. Not `(…) IS NULL` either: the planner guesses 0.5% of rows pass an IS NULL it
 * has no statistics for, and then sorts every row of a small namespace (probing each) instead of reading the index
 * in order and stopping after a page; IS NOT NULL is guessed at 99.5%.
 */
function winner(ranked: Omit<Branch, "part">[], rank: number, tenant: string): Prisma.Sql {
  const probes = ranked.slice(0, rank + 1).map(
    (other, i) => Prisma.sql`NOT EXISTS (SELECT 1 FROM "SecretIndexEntry" y WHERE ${branchRows("y", other, tenant)}
        AND y."sortKey" = e."sortKey"
        ${i === rank ? Prisma.sql`AND y."backendName" COLLATE "C" < e."backendName" COLLATE "C"` : Prisma.empty})`,
  );
  return Prisma.sql`(SELECT 1 WHERE ${Prisma.join(probes, " AND ")}) IS NOT NULL`;
}

/**
 * The keyset's tail (sort key, source key, backend name) past the cursor's, for a branch whose source key is known:
 * the source key is a constant there, so the condition is an index range on the sort key (and backend name).
 */
function tailPast(after: string[], sourceKey: string, dir: IndexDir): Prisma.Sql {
  const [k, s, b] = after.slice(-3);
  const c = bytewise(sourceKey, s);
  const asc = dir === "asc";
  const range = asc ? Prisma.sql`e."sortKey" >= ${k}` : Prisma.sql`e."sortKey" <= ${k}`;
  const strict = asc ? Prisma.sql`e."sortKey" > ${k}` : Prisma.sql`e."sortKey" < ${k}`;
  if (c === 0) {
    const name = asc ? Prisma.sql`e."backendName" COLLATE "C" > ${b}` : Prisma.sql`e."backendName" COLLATE "C" < ${b}`;
    return Prisma.sql`${range} AND (${strict} OR (e."sortKey" = ${k} AND ${name}))`;
  }
  return c > 0 === asc ? range : strict;
}

const NONE = Prisma.sql`false`;
const ALL = Prisma.sql`true`;

/** The cursor's condition in one branch, or NONE when the whole branch lies before the cursor. */
function keysetIn(branch: Branch, sort: IndexSort, dir: IndexDir, after: string[] | null): Prisma.Sql {
  if (!after) return ALL;
  const asc = dir === "asc";
  const tail = tailPast(after, branch.entry.sourceKey, dir);
  if (sort === "key") return tail;
  if (sort === "namespace") {
    const c = bytewise(sortKey(branch.entry.namespace), after[0]);
    return c === 0 ? tail : c > 0 === asc ? ALL : NONE;
  }
  // Update time: rows without one sort as -infinity, first in ascending order.
  const t = after[0];
  if (t === "-infinity") return branch.part === "untimed" ? tail : asc ? ALL : NONE;
  if (branch.part === "untimed") return asc ? NONE : ALL;
  const at = Prisma.sql`${t}::timestamp`;
  return asc
    ? Prisma.sql`e."backendUpdatedAt" >= ${at} AND (e."backendUpdatedAt" > ${at} OR (e."backendUpdatedAt" = ${at} AND ${tail}))`
    : Prisma.sql`e."backendUpdatedAt" <= ${at} AND (e."backendUpdatedAt" < ${at} OR (e."backendUpdatedAt" = ${at} AND ${tail}))`;
}

// Every column bytewise ("C"), the last three making the order total; as query.ts's orderColumns.
function mergedOrder(sort: IndexSort, dir: IndexDir): Prisma.Sql {
  const d = sqlDir(dir);
  const tail = Prisma.sql`u."sortKey" COLLATE "C" ${d}, u."sourceKey" COLLATE "C" ${d}, u."backendName" COLLATE "C" ${d}`;
  if (sort === "namespace") return Prisma.sql`u."nsSort" COLLATE "C" ${d}, ${tail}`;
  if (sort === "updated") return Prisma.sql`COALESCE(u."updatedAt", '-infinity'::timestamp) ${d}, ${tail}`;
  return tail;
}

/** The page statement (exported for EXPLAIN in scripts/bench); null when no row can match (the needle). */
export function orderedPageQuery(input: ListVisibleInput): Prisma.Sql | null {
  const sort = input.sort ?? "key";
  const dir = input.dir ?? "asc";
  const take = limitOf(input.limit) + 1;
  const after = input.cursor ? decodeCursor(input.cursor, sort, dir) : null;
  const needle = searchNeedle(input.search);
  // No field holds the separator, so a needle with it matches nothing, as in matchesSearch.
  if (needle?.includes(SEARCH_SEPARATOR) || !input.lineage.length) return null;
  const ranked = rankedBranches(input.lineage);
  const d = sqlDir(dir);
  const parts: Prisma.Sql[] = [];
  ranked.forEach((b, rank) => {
    for (const part of sort === "updated" ? (["untimed", "timed"] as const) : [null]) {
      const branch: Branch = { ...b, part };
      const keyset = keysetIn(branch, sort, dir, after);
      if (keyset === NONE) continue;
      // The index's own column order (the namespace is one value here), so the read stops after `take` rows.
      const order =
        part === null
          ? Prisma.sql`e."namespace" ${d}, e."sortKey" ${d}, e."backendName" COLLATE "C" ${d}`
          : Prisma.sql`e."namespace" ${d}, e."backendUpdatedAt" ${d}, e."sortKey" ${d}, e."backendName" COLLATE "C" ${d}`;
      parts.push(Prisma.sql`(SELECT ${b.entry.namespace}::text AS "source", ${b.entry.depth}::int AS "depth",
          ${sortKey(b.entry.namespace)}::text AS "nsSort", e."key", e."namespace", e."sortKey", e."sourceKey",
          e."backendName", e."description", e."tags", e."subkeys", e."backendUpdatedAt" AS "updatedAt", e."version",
          ${LIFECYCLE_DETAILS("e")}
        FROM "SecretIndexEntry" e
        WHERE ${branchRows("e", b, input.tenant)}
          ${part === "untimed" ? Prisma.sql`AND e."backendUpdatedAt" IS NULL` : Prisma.empty}
          ${part === "timed" ? Prisma.sql`AND e."backendUpdatedAt" IS NOT NULL` : Prisma.empty}
          ${needle ? Prisma.sql`AND e."searchText" LIKE ${searchPattern(needle)}` : Prisma.empty}
          AND ${keyset}
          AND ${winner(ranked, rank, input.tenant)}
        ORDER BY ${order}
        LIMIT ${take})`);
    }
  });
  if (!parts.length) return null;
  return Prisma.sql`SELECT * FROM (${Prisma.join(parts, " UNION ALL ")}) u ORDER BY ${mergedOrder(sort, dir)} LIMIT ${take}`;
}

/** A row's place in `sort` order, as cursors hold it (the update time as PostgreSQL reads it back; `-infinity`: none). */
export function keysetOf(
  row: Pick<PageRow, "nsSort" | "sortKey" | "sourceKey" | "backendName"> & { updatedAt: Date | string | null },
  sort: IndexSort,
): string[] {
  const tail = [row.sortKey, row.sourceKey, row.backendName];
  if (sort === "namespace") return [row.nsSort, ...tail];
  if (sort === "updated") return [timestampOf(row.updatedAt) ?? "-infinity", ...tail];
  return tail;
}

/** A namespace's list page in any order, with its total (counted once per data revision: key-order.ts). */
export async function orderedPage(prisma: PrismaClient, input: ListVisibleInput): Promise<IndexPage> {
  const sort = input.sort ?? "key";
  const dir = input.dir ?? "asc";
  const limit = limitOf(input.limit);
  const query = orderedPageQuery(input);
  const [rows, total] = await Promise.all([
    query ? prisma.$queryRaw<PageRow[]>(query) : Promise.resolve([]),
    query ? countVisible(prisma, input) : Promise.resolve(0),
  ]);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(indexRow),
    total,
    nextCursor: more && last ? encodeCursor({ sort, dir, values: keysetOf(last, sort) }) : null,
  };
}
