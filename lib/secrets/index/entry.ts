// Pure: what one index entry holds, and the derived columns (sort key, search text) the queries rely on.
import type { IgnoreReason } from "../../backends/adapter";
import { sortKey } from "./sort-key";

/** One backend secret as a scan classified it: metadata only, never a value. */
export interface IndexedSecret {
  /** The backend's own name (AWS name, Vault path, builtin `namespace/key`): unique within a source. */
  backendName: string;
  /** null when the selection rules ignored the secret (then `ignored` says why). */
  key: string | null;
  /** null: the secret belongs to the scope the configuration is attached to. */
  namespace: string | null;
  tenantTag: string | null;
  description: string | null;
  tags: Record<string, string>;
  /** Field names (Vault, JSON values); null when not known without reading the value. */
  subkeys: string[] | null;
  updatedAt: Date | string | null;
  version: string | null;
  ignored: IgnoreReason | null;
  /** Age, rotation and expiry where the backend tells them in its metadata; absent: none known. */
  lifecycle?: SecretLifecycle;
}

/** A secret's lifecycle metadata, each field only where the backend has it (never from a value). */
export interface SecretLifecycle {
  /** Azure: a disabled secret does not resolve. */
  enabled?: boolean | null;
  /** Azure expiresOn, Google expireTime. */
  expiresAt?: Date | string | null;
  /** Azure notBefore. */
  notBefore?: Date | string | null;
  /** AWS LastRotatedDate and NextRotationDate. */
  lastRotatedAt?: Date | string | null;
  nextRotationAt?: Date | string | null;
  /** Vault KV v2: when the current version was written. */
  versionCreatedAt?: Date | string | null;
}

/** Separates the fields of the search text; no key or needle holds it (the search box is plain text). */
export const SEARCH_SEPARATOR = "\u0001";

/**
 * The LIKE pattern that matches `searchText` containing `needle` (LIKE's escape, the backslash, put before `\`, `%`
 * and `_`): the same rows as `strpos(searchText, needle) > 0`, but a pattern the trigram index
 * (`SecretIndexEntry_search_idx`, pg_trgm) can answer without reading every row.
 */
export const searchPattern = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What a search matches: the lower-cased key and each tag written `k=v` (lib/backends/search.ts). */
export function searchText(key: string | null, tags: Record<string, string>): string {
  return [key ?? "", ...Object.entries(tags).map(([k, v]) => `${k}=${v}`)].join(SEARCH_SEPARATOR).toLowerCase();
}

/**
 * A timestamp(3) as the index stores and reads it back (UTC without a zone, as Prisma stores DateTime): for
 * `jsonb_to_recordset`, comparisons and cursors. Null for none or an invalid date.
 */
export function timestampOf(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace("T", " ").replace("Z", "");
}

/** The row written to `SecretIndexEntry` (JSON for `jsonb_to_recordset`), derived columns included. */
export function entryRecord(secret: IndexedSecret) {
  // An ignored secret has no key in the index, whatever the scan passed.
  const key = secret.ignored ? null : secret.key;
  const updatedAt = timestampOf(secret.updatedAt);
  const life = secret.lifecycle ?? {};
  return {
    backendName: secret.backendName,
    key,
    sortKey: key === null ? null : sortKey(key),
    namespace: secret.namespace,
    tenantTag: secret.tenantTag,
    description: secret.description,
    tags: secret.tags ?? {},
    searchText: key === null ? "" : searchText(key, secret.tags ?? {}),
    subkeys: secret.subkeys,
    backendUpdatedAt: updatedAt,
    version: secret.version,
    ignoredReason: key === null ? (secret.ignored ?? "invalid-key") : null,
    enabled: typeof life.enabled === "boolean" ? life.enabled : null,
    expiresAt: timestampOf(life.expiresAt),
    notBefore: timestampOf(life.notBefore),
    lastRotatedAt: timestampOf(life.lastRotatedAt),
    nextRotationAt: timestampOf(life.nextRotationAt),
    versionCreatedAt: timestampOf(life.versionCreatedAt),
  };
}
