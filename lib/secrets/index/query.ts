import "server-only";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import type { IgnoreReason } from "../../backends/adapter";
import { searchNeedle } from "../../backends/search";
import { decodeCursor, encodeCursor, type IndexDir, type IndexSort } from "./cursor";
import { SEARCH_SEPARATOR, searchPattern } from "./entry";
import { indexRow, limitOf } from "./key-order";
import { LIFECYCLE_DETAILS, lifecycleCondition, type LifecycleFilter } from "./lifecycle";
import { keysetOf, orderedPage } from "./ordered";
import { sortKey } from "./sort-key";

export type { IndexDir, IndexSort } from "./cursor";
export { countQuery } from "./key-order";
export { orderedPageQuery } from "./ordered";

/** One namespace of a lineage, with the source of its effective backend. */
export interface LineageEntry {
  namespace: string;
  /** 0 for the namespace listed, 1 for its parent, … (nearer wins a key). */
  depth: number;
  sourceKey: string;
  /** Where that backend is attached: a namespace, or null for the tenant or the configuration file. */
  attachmentNamespace: string | null;
}

interface PageInput {
  search?: string | null;
  sort?: IndexSort;
  dir?: IndexDir;
  cursor?: string | null;
  /** Rows per page: default 50, 1–500. */
  limit?: number;
  /** Only rows expiring within 30 days, disabled, or not changed for 90 days (lifecycle.ts). */
  filter?: LifecycleFilter | null;
  /** The clock the filter measures from; default now. */
  now?: Date;
}

/** What a source's totals are kept by (key-order.ts): a refresh, a write-through or a re-creation changes it. */
export interface SourceStamp {
  key: string;
  served: number | null;
  revision: number;
  created: Date;
}

export interface ListVisibleInput extends PageInput {
  /** The tenant's slug, as `tenant` tags carry it. */
  tenant: string;
  /** The namespace's own entry first (depth 0), then its ancestors. */
  lineage: LineageEntry[];
  /** The lineage sources' stamps as the caller just read them (their freshness check): spares the total a lookup. */
  stamps?: SourceStamp[];
}

export interface ListTenantInput extends PageInput {
  tenant: string;
  /** Every namespace of the tenant with its effective backend's source, in the order that claims scope-wide rows. */
  namespaces: Omit<LineageEntry, "depth">[];
}

export interface IndexRow {
  key: string;
  /** The secret's own namespace; null when it belongs to the attachment scope. */
  namespace: string | null;
  /** The lineage namespace whose list it came from. */
  source: string;
  inherited: boolean;
  description: string | null;
  tags: Record<string, string>;
  subkeys: string[] | null;
  updatedAt: string | null;
  version: string | null;
  backendName: string;
  sourceKey: string;
  enabled: boolean | null;
  expiresAt: string | null;
  notBefore: string | null;
  lastRotatedAt: string | null;
  nextRotationAt: string | null;
  versionCreatedAt: string | null;
}

export interface IndexPage {
  rows: IndexRow[];
  /** Rows matching the search, all pages. */
  total: number;
  nextCursor: string | null;
}

export interface RawRow {
  key: string;
  namespace: string | null;
  source: string;
  depth: number;
  nsSort: string;
  sortKey: string;
  sourceKey: string;
  backendName: string;
  description: string | null;
  tags: Record<string, string> | null;
  subkeys: string[] | null;
  updatedAt: Date | null;
  version: string | null;
  enabled: boolean | null;
  expiresAt: Date | null;
  notBefore: Date | null;
  lastRotatedAt: Date | null;
  nextRotationAt: Date | null;
  versionCreatedAt: Date | null;
  total: bigint | number;
}

/**
 * A namespace's Secrets tab from the index: its own rows and its ancestors', a nearer namespace hiding the same
 * key further up, then searched, sorted and paged by keyset. Visibility is classify.ts's `ownedBy` in SQL. Reads
 * about a page's rows per lineage branch in any order (ordered.ts), not every candidate.
 */
export async function listVisible(prisma: PrismaClient, input: ListVisibleInput): Promise<IndexPage> {
  // A lifecycle filter can skip any number of rows per branch: the full merge filters them in SQL.
  return input.filter ? listVisibleMerged(prisma, input) : orderedPage(prisma, input);
}

/** listVisible through the full merge (every candidate sorted): the reference ordered.ts is tested against. */
export async function listVisibleMerged(prisma: PrismaClient, input: ListVisibleInput): Promise<IndexPage> {
  return page(prisma, pageQueries(visibleRows(input), input, "key"));
}

/**
 * The merged rows of a lineage, before search, order and keyset: one row per key (its sort key), the nearest
 * namespace first, then a row of its own namespace before one of the scope, then the smaller backend name.
 * Exported for EXPLAIN in scripts/bench.
 */
export function visibleRows(input: ListVisibleInput): Prisma.Sql {
  const lineage = [...input.lineage].sort((a, b) => a.depth - b.depth);
  return Prisma.sql`
    SELECT DISTINCT ON (e."sortKey") ${rowColumns(!!input.filter)}
    FROM ${lineageTable(lineage)}
    ${VISIBLE_JOIN(input.tenant)}
    ORDER BY e."sortKey", l."depth", (e."namespace" IS NULL), e."backendName" COLLATE "C"`;
}

/**
 * The tenant's Secrets tab: every namespace's own rows, each in its namespace, without merging. A row of the
 * attachment scope (no namespace of its own) shows once, under the first namespace that sees it.
 */
export async function listTenantVisible(prisma: PrismaClient, input: ListTenantInput): Promise<IndexPage> {
  const result = await page(prisma, pageQueries(tenantVisibleRows(input, !!input.filter), input, "namespace"));
  for (const row of result.rows) row.inherited = false;
  return result;
}

/** The tenant's rows before search, order and keyset (also counted per namespace by lifecycle.ts). */
export function tenantVisibleRows(
  input: Pick<ListTenantInput, "tenant" | "namespaces">,
  lifecycle = false,
): Prisma.Sql {
  const lineage = input.namespaces.map((n, depth) => ({ ...n, depth }));
  return Prisma.sql`
    SELECT DISTINCT ON (e."sourceKey", e."namespace", e."sortKey") ${rowColumns(lifecycle)}
    FROM ${lineageTable(lineage)}
    ${VISIBLE_JOIN(input.tenant)}
    ORDER BY e."sourceKey", e."namespace", e."sortKey", l."depth", e."backendName" COLLATE "C"`;
}

// Narrow rows for the merge (a sort of N rows); the page's few rows fetch their details by primary key.
const ROW_COLUMNS = Prisma.sql`e."key", e."namespace", l."ns" AS "source", l."depth", l."nsSort", e."sortKey",
  e."sourceKey", e."generation", e."backendName", COALESCE(e."backendUpdatedAt", '-infinity'::timestamp) AS "updatedKey",
  e."searchText"`;
// What lifecycle filters read (lifecycle.ts), only when one applies: the unfiltered merge stays as narrow as it was.
const rowColumns = (lifecycle: boolean) =>
  lifecycle ? Prisma.sql`${ROW_COLUMNS}, e."enabled", e."expiresAt"` : ROW_COLUMNS;

function lineageTable(lineage: LineageEntry[]) {
  return Prisma.sql`unnest(${lineage.map((l) => l.namespace)}::text[], ${lineage.map((l) => l.depth)}::int[],
    ${lineage.map((l) => l.sourceKey)}::text[], ${lineage.map((l) => l.attachmentNamespace)}::text[],
    ${lineage.map((l) => sortKey(l.namespace))}::text[]) AS l("ns", "depth", "src", "att", "nsSort")`;
}

// A row of source S seen from lineage namespace N: not ignored, no other tenant's tag, and its namespace is N, or it
// has none and the source is attached to the tenant (or file) or to N. Lists read the served generation, or the
// first scan's while it runs.
const VISIBLE_JOIN = (tenant: string) => Prisma.sql`
  JOIN "SecretIndexSource" s ON s."key" = l."src"
  JOIN "SecretIndexEntry" e ON e."sourceKey" = l."src" AND e."generation" = COALESCE(s."servedGeneration", s."scanGeneration")
  WHERE e."key" IS NOT NULL
    AND (e."tenantTag" IS NULL OR e."tenantTag" = ${tenant})
    AND (e."namespace" = l."ns" OR (e."namespace" IS NULL AND (l."att" IS NULL OR l."att" = l."ns")))`;

/** The page and count statements over some visible rows (exported for EXPLAIN in scripts/bench). */
export function pageQueries(visible: Prisma.Sql, input: PageInput, defaultSort: IndexSort): PageQueries {
  const sort = input.sort ?? defaultSort;
  const dir = input.dir ?? "asc";
  const limit = limitOf(input.limit);
  const after = input.cursor ? decodeCursor(input.cursor, sort, dir) : null;
  const needle = searchNeedle(input.search);
  // No field holds the separator, so a needle with it matches nothing, as in matchesSearch.
  const search = needle
    ? Prisma.sql`AND v."searchText" LIKE ${searchPattern(needle)} AND strpos(${needle}, ${SEARCH_SEPARATOR}) = 0`
    : Prisma.empty;
  const filter = input.filter ? Prisma.sql`AND ${lifecycleCondition(input.filter, "v", input.now)}` : Prisma.empty;

  const order = (alias: string) => orderColumns(sort, alias);
  const keyset = after
    ? Prisma.sql`AND (${Prisma.join(order("m"))}) ${dir === "asc" ? Prisma.raw(">") : Prisma.raw("<")} (${Prisma.join(
        after.map((value, i) =>
          sort === "updated" && i === 0 ? Prisma.sql`${value}::timestamp` : Prisma.sql`${value}`,
        ),
      )})`
    : Prisma.empty;
  const direction = Prisma.raw(dir === "asc" ? "ASC" : "DESC");
  const orderBy = (alias: string) =>
    Prisma.join(
      order(alias).map((c) => Prisma.sql`${c} ${direction}`),
      ", ",
    );

  const details = Prisma.sql`p."key", p."namespace", p."source", p."depth", p."nsSort", p."sortKey", p."sourceKey",
    p."backendName", d."description", d."tags", d."subkeys", d."backendUpdatedAt" AS "updatedAt", d."version",
    ${LIFECYCLE_DETAILS("d")}`;
  const join = Prisma.sql`JOIN "SecretIndexEntry" d
    ON d."sourceKey" = p."sourceKey" AND d."generation" = p."generation" AND d."backendName" = p."backendName"`;
  return {
    sort,
    dir,
    limit,
    cursor: Boolean(input.cursor),
    // The total rides on the page (a window over the merged, searched rows), so the merge runs once.
    rows: Prisma.sql`
      WITH v AS (${visible}),
      m AS (SELECT v.*, count(*) OVER () AS "total" FROM v WHERE true ${search} ${filter}),
      p AS (SELECT * FROM m WHERE true ${keyset} ORDER BY ${orderBy("m")} LIMIT ${limit + 1})
      SELECT ${details}, p."total" FROM p ${join} ORDER BY ${orderBy("p")}`,
    // Only needed when a cursor points past the last row (the page has no row to carry the total).
    count: Prisma.sql`
      WITH v AS (${visible})
      SELECT count(*) AS "total" FROM v WHERE true ${search} ${filter}`,
  };
}

interface PageQueries {
  sort: IndexSort;
  dir: IndexDir;
  limit: number;
  cursor: boolean;
  rows: Prisma.Sql;
  count: Prisma.Sql;
}

async function page(prisma: PrismaClient, q: PageQueries): Promise<IndexPage> {
  const { sort, dir, limit } = q;
  const countNow = () => prisma.$queryRaw<{ total: bigint | number }[]>(q.count).then((r) => Number(r[0]?.total ?? 0));
  const rows = await prisma.$queryRaw<RawRow[]>(q.rows);
  const total = rows.length ? Number(rows[0].total) : q.cursor ? await countNow() : 0;
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(indexRow),
    total,
    nextCursor: more && last ? encodeCursor({ sort, dir, values: keysetOf(last, sort) }) : null,
  };
}

// Every column bytewise ("C"), the last three making the order total.
function orderColumns(sort: IndexSort, alias: string): Prisma.Sql[] {
  const a = Prisma.raw(alias);
  const tail = [
    Prisma.sql`${a}."sortKey" COLLATE "C"`,
    Prisma.sql`${a}."sourceKey" COLLATE "C"`,
    Prisma.sql`${a}."backendName" COLLATE "C"`,
  ];
  if (sort === "namespace") return [Prisma.sql`${a}."nsSort" COLLATE "C"`, ...tail];
  if (sort === "updated") return [Prisma.sql`${a}."updatedKey"`, ...tail];
  return tail;
}

// Ignored counts per database client by tenant and source stamp: a GROUP BY over the whole source, once per revision.
const ignoredByClient = new WeakMap<PrismaClient, Map<string, Partial<Record<IgnoreReason, number>>>>();
const IGNORED_KEPT = 200;

/**
 * What a source's scan skipped, by reason, as seen by `tenant`: a `tenant` tag naming another tenant counts as
 * `other-tenant` (the configuration file's backend serves every tenant). With the source's stamp (as the caller just
 * read it), kept in this process until the stamp changes.
 */
export async function ignoredCounts(
  prisma: PrismaClient,
  sourceKey: string,
  tenant: string,
  stamp?: SourceStamp | null,
): Promise<Partial<Record<IgnoreReason, number>>> {
  let kept = ignoredByClient.get(prisma);
  if (!kept) ignoredByClient.set(prisma, (kept = new Map()));
  const keptKey =
    stamp && stamp.key === sourceKey && stamp.served !== null
      ? JSON.stringify([sourceKey, tenant, stamp.created.toISOString(), stamp.served, stamp.revision])
      : null;
  const cached = keptKey === null ? undefined : kept.get(keptKey);
  if (cached) return { ...cached };
  const rows = await prisma.$queryRaw<{ reason: IgnoreReason; n: bigint | number }[]>`
    SELECT COALESCE(e."ignoredReason", 'other-tenant') AS "reason", count(*) AS "n"
    FROM "SecretIndexSource" s
    JOIN "SecretIndexEntry" e ON e."sourceKey" = s."key" AND e."generation" = COALESCE(s."servedGeneration", s."scanGeneration")
    WHERE s."key" = ${sourceKey}
      AND (e."ignoredReason" IS NOT NULL OR (e."tenantTag" IS NOT NULL AND e."tenantTag" <> ${tenant}))
    GROUP BY 1`;
  const out: Partial<Record<IgnoreReason, number>> = {};
  for (const r of rows) out[r.reason] = Number(r.n);
  if (keptKey !== null) {
    kept.set(keptKey, out);
    if (kept.size > IGNORED_KEPT) kept.delete(kept.keys().next().value!);
  }
  return { ...out };
}
