// Pure and client-safe: Kestra's secret cache keys (`kestra.secret.cache.*`), which Keyhold reads as the freshness
// of a configuration's secrets index. The settings form and the configuration file share this schema.
import { z } from "zod";
import { flag } from "./config-fields";

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** At most a day: an index older than that is not a cache any more. */
export const MAX_TTL_MS = 86_400_000;

/** `60s`, `5m`, `1h`, `500ms`, `2d`, or ISO-8601 `PT1M`, `PT1H30M`, `PT0.5S`, `P1D`; null when it is neither. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  const simple = /^(\d{1,9})\s*(ms|s|m|h|d)$/i.exec(t);
  if (simple) return Number(simple[1]) * UNITS[simple[2].toLowerCase()];
  const iso = /^P(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,9}(?:\.\d{1,3})?)S)?)?$/i.exec(t);
  if (!iso || t.toUpperCase() === "P" || /T$/i.test(t)) return null;
  const [, d, h, m, s] = iso;
  return Math.round(
    Number(d ?? 0) * UNITS.d + Number(h ?? 0) * UNITS.h + Number(m ?? 0) * UNITS.m + Number(s ?? 0) * 1_000,
  );
}

export const durationSchema = z
  .string()
  .max(40)
  .refine((v) => parseDuration(v) !== null, "A duration such as 60s, 5m, 1h or PT1M")
  .refine((v) => (parseDuration(v) ?? 0) <= MAX_TTL_MS, "At most a day (24h)");

/** `cache` beside `type` and `read-only`: Kestra's `kestra.secret.cache` section. */
export const cacheSectionSchema = z.strictObject({
  /** false: every list view rescans the backend (still one scan at a time per configuration). */
  enabled: flag(true),
  /** The most secrets (selected and ignored) a scan keeps for this configuration; beyond, the scan fails. */
  "maximum-size": z.coerce.number().int("A whole number").min(1, "At least 1").max(10_000_000).optional(),
  /** How long a scan stays fresh: older lists are served at once and refreshed in the background. */
  "expire-after-write": durationSchema.optional(),
});

export type CacheSection = z.output<typeof cacheSectionSchema>;

/** The default freshness when a configuration says nothing: KEYHOLD_LIST_CACHE_MS (60 s). */
export interface IndexPolicy {
  /** 0: the cache is off, every list view rescans. */
  ttlMs: number;
  /** null: no cap besides KEYHOLD_MAX_LIST_PAGES. */
  maxEntries: number | null;
}

export function indexPolicyOf(cache: CacheSection | undefined, defaultTtlMs: number): IndexPolicy {
  if (cache && cache.enabled === false) return { ttlMs: 0, maxEntries: cache["maximum-size"] ?? null };
  const ttl = cache?.["expire-after-write"] ? parseDuration(cache["expire-after-write"]) : null;
  return { ttlMs: ttl ?? defaultTtlMs, maxEntries: cache?.["maximum-size"] ?? null };
}
