import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Prisma, type PrismaClient } from "../../db/generated/client";
import { clip, isBackendError } from "../../backends/backend-error";
import type { LatestVersion } from "../../backends/adapter";
import { entryRecord, timestampOf, type IndexedSecret } from "./entry";

export type { IndexedSecret } from "./entry";

/** One backend configuration as used: `config:<id>:v<version>`, `file:<hash>`, `builtin:<tenantId>`. */
export interface IndexSource {
  key: string;
  tenantId: string | null;
  /** A dedicated manager's id, so `dropSources({ configId })` drops its index when it changes. */
  configId: string | null;
}

export interface SourceState {
  key: string;
  /** The generation lists read; null until a first scan finished. */
  servedGeneration: number | null;
  /** The generation a scan is writing, with how many entries it wrote so far. */
  scanGeneration: number | null;
  scanCount: number;
  /** A scan holds the lease now (on the database's clock). */
  scanning: boolean;
  scannedAt: Date | null;
  lastError: { code: string; message: string; at: Date } | null;
  /** Bumped by each write-through; with the served generation and the creation time, what totals are kept by. */
  revision: number;
  createdAt: Date;
}

export type RefreshResult =
  | { status: "done"; generation: number; count: number }
  /** Another holder scans this source: serve the index, or `waitForRefresh`. */
  | { status: "busy" }
  /** The scan threw: the previous generation is still served and the error is recorded. */
  | { status: "failed"; code: string; message: string }
  /** The lease expired under this scan and someone else took it: this scan's work was dropped. */
  | { status: "lost" };

export interface RefreshOptions {
  /** How long the lease lasts without renewal; each page renews it. Default 60 s. */
  leaseMs?: number;
  /** Who holds the lease (for diagnostics); default host, process and a random id. */
  holder?: string;
  /**
   * The backend's list does not tell versions, it reads them on demand (SecretsBackend.latestVersion, Google): the
   * versions the served generation learnt that way are carried into the new one (carryVersions).
   */
  carryVersions?: boolean;
}

const DEFAULT_LEASE_MS = 60_000;
/** Rows per INSERT; a backend page larger than this is written in several statements. */
const INSERT_BATCH = 500;
const MESSAGE_MAX = 500;
/** A scan that wrote at least this many entries refreshes the table's planner statistics. */
const ANALYZE_AFTER = 500;

// Lease times are the database's clock (UTC, as Prisma stores DateTime), so instances with skewed clocks agree.
const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;

/**
 * Rescans a source into a new generation, streaming: one page of `scan` at a time is written (memory bounded by
 * the page size), the lease renewed and the progress count updated after each. Only a finished scan becomes the
 * served generation; a failed one leaves the previous generation served and records the error.
 *
 * At most one scan per source runs across instances: the lease is a row update `WHERE` it expired, atomic in one
 * statement. Not a session advisory lock: Prisma's pool does not pin a connection to a caller, so a session lock
 * could be taken on one connection and released (or leak) on another, and PGlite has no second session to lock out.
 */
export async function refreshSource(
  prisma: PrismaClient,
  source: IndexSource,
  scan: () => AsyncIterable<IndexedSecret[]>,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const leaseMs = Math.max(1, Math.round(options.leaseMs ?? DEFAULT_LEASE_MS));
  const holder = clip(options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}`, 100);
  // One statement takes the lease: the source's row is created with it, or an existing row's expired lease is taken
  // (ON CONFLICT re-checks the WHERE on the row's latest version, so two instances cannot both take it).
  const taken = await prisma.$queryRawUnsafe<{ generation: number; served: number | null }[]>(
    `INSERT INTO "SecretIndexSource" AS s ("key", "tenantId", "configId", "leaseHolder", "leaseUntil", "scanGeneration",
       "nextGeneration", "scanCount")
     VALUES ($1, $2, $3, $4, ${NOW_UTC} + $5 * interval '1 millisecond', 1, 2, 0)
     ON CONFLICT ("key") DO UPDATE SET "leaseHolder" = EXCLUDED."leaseHolder", "leaseUntil" = EXCLUDED."leaseUntil",
       "scanGeneration" = s."nextGeneration", "nextGeneration" = s."nextGeneration" + 1, "scanCount" = 0
     WHERE s."leaseUntil" IS NULL OR s."leaseUntil" < ${NOW_UTC}
     RETURNING "scanGeneration" AS "generation", "servedGeneration" AS "served"`,
    source.key,
    source.tenantId,
    source.configId,
    holder,
    leaseMs,
  );
  if (!taken.length) return { status: "busy" };
  const { generation, served } = taken[0];
  // A crashed holder's partial generation (older than this one, never served) goes with the old generation after the
  // swap (cleanUp), not before the first page: the backend is asked as soon as the lease is held.

  let count = 0;
  try {
    for await (const page of scan()) {
      // One statement per batch: renews the lease, counts the progress and inserts the rows, only while this scan
      // still holds the lease (the insert is skipped otherwise, and the scan ends "lost").
      for (let i = 0; i < page.length || i === 0; i += INSERT_BATCH) {
        if (!(await writePage(prisma, source.key, holder, generation, leaseMs, page.slice(i, i + INSERT_BATCH)))) {
          await dropGeneration(prisma, source.key, generation);
          return { status: "lost" };
        }
      }
      count += page.length;
    }
  } catch (error) {
    const code = isBackendError(error) ? error.code : "internal";
    const message = clip(isBackendError(error) ? error.message : "The backend could not be read.", MESSAGE_MAX);
    await prisma.$executeRawUnsafe(
      `UPDATE "SecretIndexSource" SET "scanGeneration" = NULL, "scanCount" = 0, "leaseHolder" = NULL, "leaseUntil" = NULL,
         "lastErrorCode" = $1, "lastErrorMessage" = $2, "lastErrorAt" = ${NOW_UTC}
       WHERE "key" = $3 AND "leaseHolder" = $4 AND "scanGeneration" = $5`,
      code,
      message,
      source.key,
      holder,
      generation,
    );
    await dropGeneration(prisma, source.key, generation);
    return { status: "failed", code, message };
  }

  // A first scan's rows are the only ones the planner could know of: fresh statistics before they are served, so the
  // planner probes the list index by sort key (ordered.ts) rather than reading a namespace whole (PGlite never
  // analyzes by itself, PostgreSQL's autovacuum only after a while). A later scan serves with the statistics of the
  // one before (the same shape) and analyzes after the swap.
  if (served === null && count >= ANALYZE_AFTER) await analyze(prisma);
  if (options.carryVersions && served !== null) await carryVersions(prisma, source.key, served, generation);
  const finished = await prisma.$queryRawUnsafe<{ createdAt: Date }[]>(
    `UPDATE "SecretIndexSource" SET "servedGeneration" = "scanGeneration", "scanGeneration" = NULL,
       "leaseHolder" = NULL, "leaseUntil" = NULL, "scannedAt" = ${NOW_UTC},
       "lastErrorCode" = NULL, "lastErrorMessage" = NULL, "lastErrorAt" = NULL
     WHERE "key" = $1 AND "leaseHolder" = $2 AND "scanGeneration" = $3
     RETURNING "createdAt"`,
    source.key,
    holder,
    generation,
  );
  if (!finished.length) {
    await dropGeneration(prisma, source.key, generation);
    return { status: "lost" };
  }
  // The new generation is served from here on. The old one and this scan's tombstones (rows no list reads) go after
  // the result is handed back, in slices, so lists asked meanwhile (on PGlite, the one connection) do not wait for
  // the whole delete; `settleIndexWrites` waits for them.
  const owner = { key: source.key, createdAt: finished[0].createdAt, generation };
  track(cleanUp(prisma, owner, served !== null && count >= ANALYZE_AFTER));
  return { status: "done", generation, count };
}

/**
 * A version read on demand (setLatestVersion) outlives the scan that follows, as the list cannot tell it: the new
 * generation's row gets the served row's version, version time and "last changed" when the scan told none, unless the
 * secret is younger than that version (deleted and created again meanwhile). A version added in the backend since
 * then shows at the next Show subkeys. Only the few rows read on demand join (the served generation's rows with a
 * version).
 */
async function carryVersions(prisma: PrismaClient, key: string, served: number, generation: number) {
  await prisma.$executeRaw`
    UPDATE "SecretIndexEntry" n SET "version" = o."version", "versionCreatedAt" = o."versionCreatedAt",
      "backendUpdatedAt" = COALESCE(o."versionCreatedAt", n."backendUpdatedAt")
    FROM "SecretIndexEntry" o
    WHERE o."sourceKey" = ${key} AND o."generation" = ${served} AND o."version" IS NOT NULL
      AND n."sourceKey" = ${key} AND n."generation" = ${generation} AND n."backendName" = o."backendName"
      AND n."version" IS NULL AND n."key" IS NOT DISTINCT FROM o."key"
      AND (o."versionCreatedAt" IS NULL OR n."backendUpdatedAt" IS NULL OR n."backendUpdatedAt" <= o."versionCreatedAt")`;
}

/** Rows deleted per statement after a swap: small enough that a list queued behind one waits a few milliseconds. */
const DELETE_SLICE = 2_000;
/** The delete starts this long after the swap, so the caller's first list (the Refresh's answer) goes first. */
const CLEANUP_DELAY_MS = 100;

/**
 * After a swap to `generation`: its source's older generations and this generation's tombstones go. Only while the
 * source is the one that scan served (same creation time, this generation or a later one served): a source dropped and
 * created again meanwhile numbers its generations from 1, and its rows are not this cleanup's.
 */
async function cleanUp(
  prisma: PrismaClient,
  owner: { key: string; createdAt: Date; generation: number },
  reanalyze: boolean,
): Promise<void> {
  await new Promise((r) => setTimeout(r, CLEANUP_DELAY_MS));
  const { key, createdAt, generation } = owner;
  // As the database stores it (UTC, without a zone), compared as such whatever the session's time zone.
  const created = timestampOf(createdAt);
  const same = Prisma.sql`EXISTS (SELECT 1 FROM "SecretIndexSource" s WHERE s."key" = ${key}
    AND s."createdAt" = ${created}::timestamp(3) AND s."servedGeneration" >= ${generation})`;
  // Older generations only: a scan that took the lease since has a newer one.
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM "SecretIndexEntry" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "SecretIndexEntry"
        WHERE "sourceKey" = ${key} AND "generation" < ${generation} AND ${same} LIMIT ${DELETE_SLICE}))`;
    if (n < DELETE_SLICE) break;
    await new Promise((r) => setImmediate(r));
  }
  // Tombstones (removeEntry) of this generation.
  await prisma.$executeRaw`
    DELETE FROM "SecretIndexEntry" WHERE "sourceKey" = ${key} AND "generation" = ${generation}
      AND "key" IS NULL AND "ignoredReason" IS NULL AND "tenantTag" IS NULL AND ${same}`;
  if (reanalyze) await analyze(prisma);
}

const analyze = (prisma: PrismaClient) => prisma.$executeRawUnsafe(`ANALYZE "SecretIndexEntry"`).catch(() => undefined);

// Index work that goes on after a refresh returned (the old generation's delete), so shutdown and tests can wait.
const pending = ((globalThis as unknown as { __keyholdIndexWrites?: Set<Promise<void>> }).__keyholdIndexWrites ??=
  new Set());

function track(work: Promise<void>) {
  const tracked = work.catch(() => undefined).finally(() => pending.delete(tracked));
  pending.add(tracked);
}

/** Resolves once the index work started by finished refreshes (old generations' deletes, statistics) is done. */
export async function settleIndexWrites(): Promise<void> {
  while (pending.size) await Promise.all([...pending]);
}

const dropGeneration = (prisma: PrismaClient, key: string, generation: number) =>
  prisma.$executeRaw`DELETE FROM "SecretIndexEntry" WHERE "sourceKey" = ${key} AND "generation" = ${generation}`;

// Lifecycle columns (entry.ts's SecretLifecycle), in the same order in each list.
const LIFE = ["enabled", "expiresAt", "notBefore", "lastRotatedAt", "nextRotationAt", "versionCreatedAt"] as const;
const LIFE_COLUMNS = Prisma.raw(LIFE.map((c) => `"${c}"`).join(", "));
const LIFE_SELECT = Prisma.raw(LIFE.map((c) => `x."${c}"`).join(", "));
const LIFE_RECORD = Prisma.raw(LIFE.map((c) => `"${c}" ${c === "enabled" ? "boolean" : "timestamp(3)"}`).join(", "));
const LIFE_UPDATE = Prisma.raw(LIFE.map((c) => `"${c}" = EXCLUDED."${c}"`).join(", "));

/**
 * One batch of a scan's page, in one statement: the lease renewed and the progress counted, then the rows inserted,
 * only if this holder still holds the scan (false: it does not, nothing was written). A row written through Keyhold
 * meanwhile (upsertEntry) is newer than the scan's, and a tombstone (removeEntry) must stay, so conflicts keep the
 * row there.
 */
async function writePage(
  prisma: PrismaClient,
  key: string,
  holder: string,
  generation: number,
  leaseMs: number,
  page: IndexedSecret[],
): Promise<boolean> {
  const rows = JSON.stringify(page.map(entryRecord));
  const held = await prisma.$queryRaw<{ held: number }[]>`
    WITH held AS (
      UPDATE "SecretIndexSource" SET "leaseUntil" = ${Prisma.raw(NOW_UTC)} + ${leaseMs} * interval '1 millisecond',
        "scanCount" = "scanCount" + ${page.length}
      WHERE "key" = ${key} AND "leaseHolder" = ${holder} AND "scanGeneration" = ${generation}
      RETURNING 1),
    written AS (
      INSERT INTO "SecretIndexEntry" ("sourceKey", "generation", "backendName", "key", "sortKey", "namespace", "tenantTag",
        "description", "tags", "searchText", "subkeys", "backendUpdatedAt", "version", "ignoredReason",
        ${LIFE_COLUMNS})
      SELECT ${key}, ${generation}, x."backendName", x."key", x."sortKey", x."namespace", x."tenantTag", x."description",
        COALESCE(x."tags", '{}'::jsonb), x."searchText", x."subkeys", x."backendUpdatedAt", x."version", x."ignoredReason", ${LIFE_SELECT}
      FROM jsonb_to_recordset(${rows}::jsonb) AS x("backendName" text, "key" text, "sortKey" text, "namespace" text,
        "tenantTag" text, "description" text, "tags" jsonb, "searchText" text, "subkeys" jsonb,
        "backendUpdatedAt" timestamp(3), "version" text, "ignoredReason" text, ${LIFE_RECORD})
      WHERE EXISTS (SELECT 1 FROM held)
      ON CONFLICT ("sourceKey", "generation", "backendName") DO NOTHING)
    SELECT count(*)::int AS "held" FROM held`;
  return Number(held[0]?.held ?? 0) > 0;
}

export async function sourceState(prisma: PrismaClient, key: string): Promise<SourceState | null> {
  const rows = await prisma.$queryRawUnsafe<
    {
      key: string;
      servedGeneration: number | null;
      scanGeneration: number | null;
      scanCount: number;
      scanning: boolean;
      scannedAt: Date | null;
      lastErrorCode: string | null;
      lastErrorMessage: string | null;
      lastErrorAt: Date | null;
      revision: number;
      createdAt: Date;
    }[]
  >(
    `SELECT "key", "servedGeneration", "scanGeneration", "scanCount", COALESCE("leaseUntil" >= ${NOW_UTC}, false) AS "scanning",
       "scannedAt", "lastErrorCode", "lastErrorMessage", "lastErrorAt", "revision", "createdAt"
     FROM "SecretIndexSource" WHERE "key" = $1`,
    key,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    key: r.key,
    servedGeneration: r.servedGeneration,
    scanGeneration: r.scanGeneration,
    scanCount: r.scanCount,
    scanning: r.scanning,
    scannedAt: r.scannedAt,
    lastError:
      r.lastErrorCode && r.lastErrorAt
        ? { code: r.lastErrorCode, message: r.lastErrorMessage ?? "", at: r.lastErrorAt }
        : null,
    revision: r.revision,
    createdAt: r.createdAt,
  };
}

// In the write's own statement, so a list that reads the new revision also sees the write (lib/secrets/index/key-order.ts
// keeps totals per revision).
const BUMP = (sourceKey: string) =>
  Prisma.sql`UPDATE "SecretIndexSource" SET "revision" = "revision" + 1 WHERE "key" = ${sourceKey} RETURNING 1`;

/**
 * Write-through after a create or update through Keyhold: the entry in the served generation and in the one being
 * scanned, so the next list shows it and a running scan does not lose it. 0 when the source has no index yet.
 * The revision (what totals and ignored counts are kept by) is bumped only when the write can change a count: a new
 * row, or a changed key, namespace, tenant tag, search text or ignored reason. A new value, description or version
 * (the usual update) keeps every total, so the next list does not count again. The source row is written either way:
 * its new row version (`xmin`) is what the list's response cache checks (lib/secrets/list-cache.ts).
 */
export async function upsertEntry(prisma: PrismaClient, sourceKey: string, secret: IndexedSecret): Promise<number> {
  const record = entryRecord(secret);
  const row = JSON.stringify([record]);
  return prisma.$executeRaw`
    WITH bump AS (
      UPDATE "SecretIndexSource" SET "revision" = "revision" + CASE WHEN EXISTS (SELECT 1 FROM "SecretIndexEntry" o
          WHERE o."sourceKey" = ${sourceKey} AND o."generation" = "SecretIndexSource"."servedGeneration"
            AND o."backendName" = ${record.backendName}
            AND o."key" IS NOT DISTINCT FROM ${record.key}::text
            AND o."namespace" IS NOT DISTINCT FROM ${record.namespace}::text
            AND o."tenantTag" IS NOT DISTINCT FROM ${record.tenantTag}::text
            AND o."searchText" = ${record.searchText}
            AND o."ignoredReason" IS NOT DISTINCT FROM ${record.ignoredReason}::text) THEN 0 ELSE 1 END
      WHERE "key" = ${sourceKey}
      RETURNING 1)
    INSERT INTO "SecretIndexEntry" ("sourceKey", "generation", "backendName", "key", "sortKey", "namespace", "tenantTag",
      "description", "tags", "searchText", "subkeys", "backendUpdatedAt", "version", "ignoredReason",
      ${LIFE_COLUMNS})
    SELECT s."key", g."generation", x."backendName", x."key", x."sortKey", x."namespace", x."tenantTag", x."description",
      COALESCE(x."tags", '{}'::jsonb), x."searchText", x."subkeys", x."backendUpdatedAt", x."version", x."ignoredReason", ${LIFE_SELECT}
    FROM "SecretIndexSource" s
    CROSS JOIN LATERAL (VALUES (s."servedGeneration"), (s."scanGeneration")) AS g("generation")
    CROSS JOIN jsonb_to_recordset(${row}::jsonb) AS x("backendName" text, "key" text, "sortKey" text, "namespace" text,
      "tenantTag" text, "description" text, "tags" jsonb, "searchText" text, "subkeys" jsonb,
      "backendUpdatedAt" timestamp(3), "version" text, "ignoredReason" text, ${LIFE_RECORD})
    WHERE s."key" = ${sourceKey} AND g."generation" IS NOT NULL
    ON CONFLICT ("sourceKey", "generation", "backendName") DO UPDATE SET
      "key" = EXCLUDED."key", "sortKey" = EXCLUDED."sortKey", "namespace" = EXCLUDED."namespace",
      "tenantTag" = EXCLUDED."tenantTag", "description" = EXCLUDED."description", "tags" = EXCLUDED."tags",
      "searchText" = EXCLUDED."searchText", "subkeys" = EXCLUDED."subkeys",
      "backendUpdatedAt" = EXCLUDED."backendUpdatedAt", "version" = EXCLUDED."version",
      "ignoredReason" = EXCLUDED."ignoredReason", ${LIFE_UPDATE}`;
}

/**
 * Write-through after a delete: by the backend's name, or by key and namespace (null: the attachment scope's) when
 * the caller does not know the name. Served and scanning generations alike; a running scan also gets a tombstone.
 */
export async function removeEntry(
  prisma: PrismaClient,
  sourceKey: string,
  which: { backendName: string } | { key: string; namespace: string | null },
): Promise<number> {
  const generations = await liveGenerations(prisma, sourceKey);
  if (!generations.length) return 0;
  const gone =
    "backendName" in which
      ? await prisma.$queryRaw<{ backendName: string }[]>`
      WITH bump AS (${BUMP(sourceKey)})
      DELETE FROM "SecretIndexEntry" WHERE "sourceKey" = ${sourceKey} AND "generation" = ANY(${generations}::int[])
        AND "backendName" = ${which.backendName} RETURNING "backendName"`
      : await prisma.$queryRaw<{ backendName: string }[]>`
      WITH bump AS (${BUMP(sourceKey)})
      DELETE FROM "SecretIndexEntry" WHERE "sourceKey" = ${sourceKey} AND "generation" = ANY(${generations}::int[])
        AND "key" = ${which.key} AND "namespace" IS NOT DISTINCT FROM ${which.namespace}::text RETURNING "backendName"`;
  const names = [...new Set(["backendName" in which ? which.backendName : [], gone.map((r) => r.backendName)].flat())];
  await tombstone(prisma, sourceKey, names);
  return gone.length;
}

/**
 * A running scan may hold a page it fetched before the delete: the deleted name gets a tombstone in the scanning
 * generation, a row no list shows (no key, no ignored reason, no tenant tag), which the scan's late insert of that
 * name cannot replace (ON CONFLICT DO NOTHING) and a create through Keyhold does (upsertEntry). The unique key
 * orders the two writes whichever comes first; a finished scan removes its tombstones.
 */
async function tombstone(prisma: PrismaClient, sourceKey: string, names: string[]) {
  if (!names.length) return;
  await prisma.$executeRaw`
    INSERT INTO "SecretIndexEntry" ("sourceKey", "generation", "backendName", "key", "tenantTag", "ignoredReason")
    SELECT s."key", s."scanGeneration", n."name", NULL, NULL, NULL
    FROM "SecretIndexSource" s CROSS JOIN unnest(${names}::text[]) AS n("name")
    WHERE s."key" = ${sourceKey} AND s."scanGeneration" IS NOT NULL
    ON CONFLICT ("sourceKey", "generation", "backendName") DO UPDATE SET
      "key" = NULL, "sortKey" = NULL, "namespace" = NULL, "tenantTag" = NULL, "description" = NULL, "tags" = '{}'::jsonb,
      "searchText" = '', "subkeys" = NULL, "backendUpdatedAt" = NULL, "version" = NULL, "ignoredReason" = NULL`;
}

/** Keeps the subkey names learnt by reading one secret on demand (expanding a row), so no list reads a value. */
export async function setSubkeys(
  prisma: PrismaClient,
  sourceKey: string,
  backendName: string,
  names: string[],
): Promise<number> {
  const generations = await liveGenerations(prisma, sourceKey);
  if (!generations.length) return 0;
  // The source row is touched too: its row version is what the list's response cache checks (lib/secrets/list-cache.ts).
  return prisma.$executeRaw`
    WITH touch AS (UPDATE "SecretIndexSource" SET "revision" = "revision" WHERE "key" = ${sourceKey} RETURNING 1)
    UPDATE "SecretIndexEntry" SET "subkeys" = ${JSON.stringify(names)}::jsonb
    WHERE "sourceKey" = ${sourceKey} AND "generation" = ANY(${generations}::int[]) AND "backendName" = ${backendName}`;
}

/**
 * The latest version a metadata read told (Google's GetSecretVersion, on Show subkeys): kept on the row as its version
 * and version time, and as its "last changed" when the backend said when it was created. Until the next scan or write
 * replaces the row, as subkeys are.
 */
export async function setLatestVersion(
  prisma: PrismaClient,
  sourceKey: string,
  backendName: string,
  latest: LatestVersion,
): Promise<number> {
  const generations = await liveGenerations(prisma, sourceKey);
  if (!generations.length) return 0;
  const at = timestampOf(latest.createdAt);
  // The source row is touched as setSubkeys touches it (the list's response cache checks its row version).
  return prisma.$executeRaw`
    WITH touch AS (UPDATE "SecretIndexSource" SET "revision" = "revision" WHERE "key" = ${sourceKey} RETURNING 1)
    UPDATE "SecretIndexEntry" SET "version" = ${latest.version}, "versionCreatedAt" = ${at}::timestamp,
      "backendUpdatedAt" = COALESCE(${at}::timestamp, "backendUpdatedAt")
    WHERE "sourceKey" = ${sourceKey} AND "generation" = ANY(${generations}::int[]) AND "backendName" = ${backendName}`;
}

async function liveGenerations(prisma: PrismaClient, sourceKey: string): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ servedGeneration: number | null; scanGeneration: number | null }[]>`
    SELECT "servedGeneration", "scanGeneration" FROM "SecretIndexSource" WHERE "key" = ${sourceKey}`;
  return rows.flatMap((r) => [r.servedGeneration, r.scanGeneration]).filter((g): g is number => g !== null);
}

/** Drops sources and their entries: a changed or deleted configuration (`configId`), or one source by key. */
export async function dropSources(
  prisma: PrismaClient,
  which: { configId: string } | { key: string } | { tenantId: string },
): Promise<number> {
  if ("configId" in which)
    return prisma.$executeRaw`DELETE FROM "SecretIndexSource" WHERE "configId" = ${which.configId}`;
  if ("tenantId" in which)
    return prisma.$executeRaw`DELETE FROM "SecretIndexSource" WHERE "tenantId" = ${which.tenantId}`;
  return prisma.$executeRaw`DELETE FROM "SecretIndexSource" WHERE "key" = ${which.key}`;
}

/**
 * Waits for a scan someone else runs (after `refreshSource` answered "busy"): polls the state until no scan holds
 * the lease or the deadline passes. `finished` is false when the deadline came first.
 */
export async function waitForRefresh(
  prisma: PrismaClient,
  key: string,
  { timeoutMs = 30_000, pollMs = 250 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<{ finished: boolean; state: SourceState | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await sourceState(prisma, key);
    if (!state?.scanning) return { finished: true, state };
    if (Date.now() >= deadline) return { finished: false, state };
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}
