import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { rawRead } from "../db/raw-read";
import { globalConfig } from "../config/global";
import { serverEnv } from "../env";
import type { TenantRef } from "../tenancy/tenant-ref";
import { ensureFresh } from "./index/freshness";
import type { SourceState } from "./index/store";
import type { Served } from "./lineage-sources";
import type { NamespaceSecretsQuery } from "./namespace-secrets";
import { databaseBackends } from "./serving";

// The list route's answers, kept in this process (issue 10, load): 50 viewers on one namespace ask the same page over
// and over, and computing it (the tenant's configurations, each source's state, the page statement, the output schema,
// JSON) cost ~15 ms of CPU each time. A kept answer is served only when one read, made on every request, finds
// everything it was computed from unchanged:
//  - the tenant's configurations: each row's id, row version (`xmin`, which every UPDATE changes) and namespace, so a
//    saved, enabled, disabled, added or removed configuration recomputes;
//  - each index source the page read: its state row's version (a scan's progress, its end, an error, a
//    write-through, a subkeys update and a drop all write that row: lib/secrets/index/store.ts), and whether a scan
//    holds it now (a lease expires by the clock, not by a write);
//  - the configuration file and the environment (this process's, by identity).
// The guard runs in full before this (session, bindings, tenant, permission), and the answer depends on none of the
// caller's rights beyond passing it, so a revoked session or role is refused on its next request, never served.
// Not kept: Refresh, a lifecycle filter (it depends on the clock), a source without a finished scan (its rows change
// as the scan writes), a cache turned off (TTL 0).

export interface ComputedList {
  /** The answer's JSON. */
  body: string;
  /** The lineage's sources as the computation resolved them (their keys are what the check reads). */
  served: Served[];
}

interface Entry {
  stamp: string;
  keys: string[];
  settings: unknown[];
  sources: Served[];
  body: string;
}

interface ClientCache {
  entries: Map<string, Entry>;
  /** The source keys a namespace's lineage used last (the check reads them before a first computation). */
  lineageKeys: Map<string, string[]>;
  /** Computations in progress by key and stamp: concurrent misses with the same stamp share one. */
  inflight: Map<string, Promise<ComputedList>>;
}

/** Answers kept per client; ~25 KB each at 50 rows. */
const MAX_ENTRIES = 500;
const MAX_LINEAGES = 2_000;
const byClient = new WeakMap<PrismaClient, ClientCache>();

function cacheOf(prisma: PrismaClient): ClientCache {
  let cache = byClient.get(prisma);
  if (!cache) byClient.set(prisma, (cache = { entries: new Map(), lineageKeys: new Map(), inflight: new Map() }));
  return cache;
}

const EPOCH_MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * The check's two columns (JSON texts) for the tenant `tenantId` (an SQL expression) and the source keys `keys` (a
 * placeholder for a JSON array): also part of the list route's one read (list-route.ts). `xmin` is the transaction
 * that wrote the row version a reader sees: any UPDATE, or a delete and re-creation, changes it. Nothing in it depends
 * on the time (the lease's end is compared with this process's clock in `checkOf`), so PGlite may keep it
 * (lib/db/raw-read.ts).
 */
export const CHECK_COLUMNS = (tenantId: string, keys: string) => `
    (SELECT COALESCE(json_agg(json_build_array(c."id", c.xmin::text, n."path") ORDER BY c."id"), '[]'::json)
      FROM "SecretsManagerConfig" c LEFT JOIN "Namespace" n ON n."id" = c."namespaceId"
      WHERE c."tenantId" = ${tenantId})::text AS "configs",
    (SELECT COALESCE(json_agg(json_build_array(s."key", s.xmin::text, s."servedGeneration", s."scanGeneration",
        s."scanCount", ${EPOCH_MS(`s."leaseUntil"`)}, ${EPOCH_MS(`s."scannedAt"`)},
        s."lastErrorCode", s."lastErrorMessage", ${EPOCH_MS(`s."lastErrorAt"`)}, s."revision",
        ${EPOCH_MS(`s."createdAt"`)}) ORDER BY s."key"), '[]'::json)
      FROM "SecretIndexSource" s
      WHERE s."key" = ANY(ARRAY(SELECT jsonb_array_elements_text(${keys}::jsonb))))::text AS "sources"`;

const CHECK = `SELECT ${CHECK_COLUMNS("$1", "$2")}`;

/** The check's columns as read, for the source keys asked. */
export interface CheckRead {
  keys: string[];
  configs: string;
  sources: string;
}

type StateTuple = [
  string,
  string,
  number | null,
  number | null,
  number,
  /** The lease's end (epoch ms) as read; `checkOf` puts whether a scan holds the source now in its place. */
  number | boolean | null,
  number | null,
  string | null,
  string | null,
  number | null,
  number,
  number,
];

interface Check {
  stamp: string;
  states: Map<string, SourceState>;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function checkOf(read: CheckRead): Check {
  const now = Date.now();
  const states = new Map<string, SourceState>();
  const tuples = JSON.parse(read.sources) as StateTuple[];
  for (const t of tuples) {
    // A lease that ended without a write (its holder stopped) ends the scan by this process's clock (the database's
    // before; lease taking itself still compares in SQL): the stamp changes with it.
    t[5] = typeof t[5] === "number" && t[5] >= now;
    const [key, , servedGeneration, scanGeneration, scanCount, , scannedAt, code, message, errorAt, revision] = t;
    states.set(key, {
      key,
      servedGeneration,
      scanGeneration,
      scanCount,
      scanning: t[5],
      scannedAt: date(scannedAt),
      lastError: code && errorAt !== null ? { code, message: message ?? "", at: new Date(errorAt) } : null,
      revision,
      createdAt: new Date(t[11]),
    });
  }
  return { stamp: `${read.configs}\n${JSON.stringify(tuples)}`, states };
}

async function check(prisma: PrismaClient, tenant: TenantRef, keys: string[]): Promise<Check> {
  const [row] = await rawRead<{ configs: string; sources: string }>(prisma, CHECK, [tenant.id, JSON.stringify(keys)]);
  return checkOf({ keys, ...row });
}

/** The source keys a namespace's list read last: what the next check reads (list-route.ts reads them early). */
export function lineageKeysHint(prisma: PrismaClient, tenantSlug: string, namespace: string): string[] {
  return cacheOf(prisma).lineageKeys.get(JSON.stringify([tenantSlug, namespace])) ?? [];
}

/** What a kept answer also depends on, by identity: the configuration file and the environment (default TTL). */
const settingsNow = () => [globalConfig(), serverEnv()];
const sameList = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const sourceKeysOf = (served: Served[]) => [...new Set(served.map((s) => s.source.key))].sort();

/** Every source of the check has a finished scan and a cache that is on: the answer can be kept. */
const keepable = (keys: string[], states: Map<string, SourceState>, served?: Served[]) =>
  keys.every((k) => (states.get(k)?.servedGeneration ?? null) !== null) &&
  (served ?? []).every((s) => s.source.ttlMs > 0);

/**
 * The list route's answer for a namespace page: kept, when the check read (above) finds its inputs unchanged, else
 * computed by `compute` (and kept for the next request). The stale-while-revalidate refresh still starts from a kept
 * answer as it does from a computed one: the check read the sources' states, and each is passed to `ensureFresh`.
 */
export async function cachedNamespaceList(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  query: NamespaceSecretsQuery,
  compute: () => Promise<ComputedList>,
  /** The check as the route's early read made it (list-route.ts), in the same statement as the guard's reads. */
  early?: CheckRead | null,
): Promise<string> {
  if (query.refresh || query.filter) return (await compute()).body;
  const cache = cacheOf(prisma);
  const key = JSON.stringify([
    tenant.id,
    tenant.slug,
    namespace,
    query.search ?? null,
    query.sort ?? null,
    query.dir ?? null,
    query.cursor ?? null,
    query.pageSize ?? null,
  ]);
  const lineage = JSON.stringify([tenant.slug, namespace]);
  const entry = cache.entries.get(key);
  const keys = cache.lineageKeys.get(lineage) ?? [];
  const settings = settingsNow();
  // Read before anything is computed: an answer computed after this read is at least as new as what it describes.
  const now = early && sameList(early.keys, keys) ? checkOf(early) : await check(prisma, tenant, keys);

  if (
    entry &&
    entry.stamp === now.stamp &&
    sameList(entry.keys, keys) &&
    sameList(entry.settings, settings) &&
    keepable(keys, now.states)
  ) {
    cache.entries.delete(key);
    cache.entries.set(key, entry);
    const serving = databaseBackends(prisma);
    const bySource = new Map(entry.sources.map((s) => [s.source.key, s]));
    await Promise.all(
      [...bySource.values()].map((s) =>
        ensureFresh(prisma, s.source, () => serving.open(tenant, s.effective), { known: now.states.get(s.source.key) }),
      ),
    );
    return entry.body;
  }

  const flightKey = `${key}\n${now.stamp}`;
  let flight = cache.inflight.get(flightKey);
  if (!flight) {
    flight = compute().finally(() => cache.inflight.delete(flightKey));
    cache.inflight.set(flightKey, flight);
  }
  const computed = await flight;
  const computedKeys = sourceKeysOf(computed.served);
  cache.lineageKeys.delete(lineage);
  cache.lineageKeys.set(lineage, computedKeys);
  if (cache.lineageKeys.size > MAX_LINEAGES) cache.lineageKeys.delete(cache.lineageKeys.keys().next().value!);
  // Kept only when the check covered exactly the sources the computation read, each with a finished scan.
  if (sameList(computedKeys, keys) && keepable(keys, now.states, computed.served)) {
    cache.entries.delete(key);
    cache.entries.set(key, { stamp: now.stamp, keys, settings, sources: computed.served, body: computed.body });
    if (cache.entries.size > MAX_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  } else cache.entries.delete(key);
  return computed.body;
}

/** For tests: forget every kept answer of `prisma`. */
export function forgetListAnswers(prisma: PrismaClient): void {
  byClient.delete(prisma);
}
