import "server-only";
import type { PrismaClient } from "../../db/generated/client";
import type { IndexedSecret, SecretsBackend } from "../../backends/adapter";
import { BackendError } from "../../backends/backend-error";
import type { IndexPolicy } from "../../backends/cache-settings";
import {
  refreshSource,
  settleIndexWrites,
  sourceState,
  waitForRefresh,
  type IndexSource,
  type SourceState,
} from "./store";

/** A backend configuration as the listing uses it: its index source and how long a scan stays fresh. */
export interface ServedSource extends IndexSource, IndexPolicy {}

/** How long a list waits for a first scan before it serves what the scan wrote so far ("scanning… N so far"). */
const FIRST_SCAN_WAIT_MS = 2_000;
/** A refresh the backend throttled is tried again this soon (not after the TTL): the list says "throttled, retrying". */
export const THROTTLED_RETRY_MS = 5_000;
/** How long Refresh (or a list with the cache off) waits for a scan. */
const REFRESH_WAIT_MS = 120_000;

// Scans this process runs, by source: 50 list requests on a stale source here start one, and wait for that one.
const holder = globalThis as unknown as { __keyholdScans?: Map<string, Promise<unknown>> };
const running = (holder.__keyholdScans ??= new Map());

/** The adapter's scan, capped at the configuration's `maximum-size`. */
async function* capped(backend: SecretsBackend, max: number | null): AsyncIterable<IndexedSecret[]> {
  let seen = 0;
  for await (const page of backend.scan()) {
    seen += page.length;
    if (max !== null && seen > max) {
      throw new BackendError(
        "too-many-secrets",
        `The backend holds more than ${max} secrets, the configuration's cache maximum-size. Too many secrets: narrow the configuration with filter-on-tags or filter-on-prefix, or raise maximum-size.`,
      );
    }
    yield page;
  }
}

/** Starts a scan of `source` unless this process runs one already; at most one across instances (the lease). */
function scan(prisma: PrismaClient, source: ServedSource, open: () => Promise<SecretsBackend>): Promise<unknown> {
  const current = running.get(source.key);
  if (current) return current;
  const started = (async () => {
    const backend = await open();
    const result = await refreshSource(prisma, source, () => capped(backend, source.maxEntries), {
      carryVersions: Boolean(backend.latestVersion),
    });
    // Someone else scans: wait for theirs, so a caller that waits sees a finished scan.
    if (result.status === "busy") await waitForRefresh(prisma, source.key, { timeoutMs: REFRESH_WAIT_MS });
    return result;
  })()
    .catch(() => undefined) // recorded in the source's state (lastError) when the scan itself failed
    .finally(() => running.delete(source.key));
  running.set(source.key, started);
  return started;
}

const within = (p: Promise<unknown>, ms: number) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref?.())]);

/** The last scan was throttled, long enough ago to try again (the previous generation is served meanwhile). */
function throttledAWhileAgo(state: SourceState, now: number): boolean {
  return state.lastError?.code === "throttled" && now - state.lastError.at.getTime() >= THROTTLED_RETRY_MS;
}

/**
 * Makes `source`'s index fit to serve, by its freshness: never scanned → a scan starts and the list waits a moment,
 * then serves what it wrote so far; older than the TTL → served at once, refreshed in the background
 * (stale-while-revalidate); `refresh` (the tab's Refresh) or a cache turned off → waits for a new scan (or the
 * running one). A first scan that failed is not retried by every view: Refresh, or the TTL, tries again.
 */
export async function ensureFresh(
  prisma: PrismaClient,
  source: ServedSource,
  open: () => Promise<SecretsBackend>,
  /** `known`: the state as the caller just read it (the list's cache check, list-cache.ts), spared a second read. */
  options: { refresh?: boolean; known?: SourceState } = {},
): Promise<SourceState | null> {
  const state = options.known ?? (await sourceState(prisma, source.key));
  const now = Date.now();
  if (options.refresh || source.ttlMs === 0) {
    await within(scan(prisma, source, open), REFRESH_WAIT_MS);
    return sourceState(prisma, source.key);
  }
  if (!state || state.servedGeneration === null) {
    const failedLately = state?.lastError && now - state.lastError.at.getTime() < source.ttlMs;
    if (state?.scanning || (failedLately && !throttledAWhileAgo(state!, now))) return state;
    await within(scan(prisma, source, open), FIRST_SCAN_WAIT_MS);
    return sourceState(prisma, source.key);
  }
  const age = state.scannedAt ? now - state.scannedAt.getTime() : Infinity;
  const failedLately = state.lastError && now - state.lastError.at.getTime() < source.ttlMs;
  if (!state.scanning && ((age >= source.ttlMs && !failedLately) || throttledAWhileAgo(state, now)))
    void scan(prisma, source, open);
  return state;
}

/** For tests and shutdown: the scans this process still runs, then the index work they left (old generations' deletes). */
export function runningScans(): Promise<unknown>[] {
  return [Promise.all(running.values()).then(() => settleIndexWrites())];
}
