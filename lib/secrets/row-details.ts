import "server-only";
import { createHash } from "node:crypto";
import type { SecretsBackend } from "../backends/adapter";
import { cachedSnapshot, invalidateSnapshots, peekSnapshot } from "../backends/snapshot";
import type { TenantRef } from "../tenancy/tenant-ref";
import type { EffectiveBackend } from "./effective-backend";
import type { SecretRow } from "./namespace-secrets";

// What the Secrets tab knows of its rows beyond the list, without reading a value: metadata details (kept as long as
// a list) and the subkey names someone asked for with "Show subkeys" (kept longer). A write through Keyhold drops both.

/** Cache keys of the page details (metadata) read from one backend for one tenant. */
const detailsPrefix = (effective: EffectiveBackend, tenantId: string) =>
  `details:${effective.configId ?? effective.type}:${tenantId}:`;

/** Cache keys of the subkey names read on demand ("Show subkeys") from one backend for one tenant. */
const knownPrefix = (effective: EffectiveBackend, tenantId: string) =>
  `subkeys:${effective.configId ?? effective.type}:${tenantId}:`;
// One secret, whichever namespace's list shows it (a tenant-wide secret shows in every namespace).
const knownKey = (effective: EffectiveBackend, tenantId: string, secretNamespace: string | null, key: string) =>
  `${knownPrefix(effective, tenantId)}${JSON.stringify([secretNamespace, key])}`;
/** Names someone asked for stay longer than a list: they cost a value read, and a write through Keyhold drops them anyway. */
const KNOWN_SUBKEYS_MS = 10 * 60_000;

/** After a write through Keyhold: the adapter drops its own list, this drops the details and subkey names kept for the rows. */
export function dropCachedDetails(effective: EffectiveBackend, tenantId: string): void {
  invalidateSnapshots(detailsPrefix(effective, tenantId));
  invalidateSnapshots(knownPrefix(effective, tenantId));
}

/** Refresh: the names read on demand are asked for again. */
export function forgetKnownSubkeys(effective: EffectiveBackend, tenantId: string): void {
  invalidateSnapshots(knownPrefix(effective, tenantId));
}

/** The names "Show subkeys" read for this secret, or null when nobody asked (or a write dropped them). */
export async function knownSubkeys(
  effective: EffectiveBackend,
  tenantId: string,
  secretNamespace: string | null,
  key: string,
): Promise<string[] | null> {
  const known = peekSnapshot<string[]>(knownKey(effective, tenantId, secretNamespace, key));
  return (await known?.catch(() => null)) ?? null;
}

/** Reads a secret's subkey names (`load`: one value read) and keeps them for the next page views. */
export function rememberSubkeys(
  effective: EffectiveBackend,
  tenantId: string,
  secretNamespace: string | null,
  key: string,
  load: () => Promise<string[]>,
): Promise<string[]> {
  return cachedSnapshot(knownKey(effective, tenantId, secretNamespace, key), load, {
    refresh: true,
    ttlMs: KNOWN_SUBKEYS_MS,
  });
}

/** Description, tags, time and subkey names of the rows shown, from the backend's metadata (never a value). */
export async function describeRows(
  tenant: TenantRef,
  effective: EffectiveBackend,
  backend: SecretsBackend,
  namespace: string,
  rows: SecretRow[],
  refresh: boolean,
): Promise<void> {
  try {
    const keys = rows.map((r) => r.key).sort();
    // Kept as long as the lists are (a write through Keyhold drops both): a reload asks nothing again.
    const cacheKey = `${detailsPrefix(effective, tenant.id)}${namespace}:${createHash("sha256").update(keys.join("\u0000")).digest("hex")}`;
    const described = await cachedSnapshot(cacheKey, () => backend.describe({ tenant: tenant.slug, namespace, keys }), {
      refresh,
    });
    const details = new Map(described.map((d) => [d.key, d]));
    for (const row of rows) {
      const d = details.get(row.key);
      if (!d) continue;
      row.subkeys = d.subkeys;
      if (d.description) row.description = d.description;
      if (Object.keys(d.tags).length) row.tags = d.tags;
      row.updatedAt = d.updatedAt ?? row.updatedAt;
    }
  } catch {
    // Rows stay as listed; the list itself succeeded.
  }
}
