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
}

/** Separates the fields of the search text; no key or needle holds it (the search box is plain text). */
export const SEARCH_SEPARATOR = "\u0001";

/** What a search matches: the lower-cased key and each tag written `k=v` (lib/backends/search.ts). */
export function searchText(key: string | null, tags: Record<string, string>): string {
  return [key ?? "", ...Object.entries(tags).map(([k, v]) => `${k}=${v}`)].join(SEARCH_SEPARATOR).toLowerCase();
}

/** The row written to `SecretIndexEntry` (JSON for `jsonb_to_recordset`), derived columns included. */
export function entryRecord(secret: IndexedSecret) {
  // An ignored secret has no key in the index, whatever the scan passed.
  const key = secret.ignored ? null : secret.key;
  const updatedAt =
    secret.updatedAt === null ? null : new Date(secret.updatedAt).toISOString().replace("T", " ").replace("Z", "");
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
  };
}
