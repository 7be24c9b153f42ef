import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { LatestVersion, SecretRef, SecretsBackend } from "../backends/adapter";
import { BackendError, isBackendError } from "../backends/backend-error";
import { backendLabel, type BackendType } from "../backends/descriptors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { namespaceLineage } from "../tenancy/names";
import { databaseBackends, type ServingBackends } from "./serving";
import { findVisible, type FoundEntry } from "./index/find";
import { setLatestVersion, setSubkeys } from "./index/store";
import { freshen, lineageOf, servedOf, type Served } from "./lineage-sources";

// One secret as a namespace's list resolves it, found in the index: for Show subkeys, expression checks and writes.

export interface FoundSecret {
  served: Served;
  found: FoundEntry;
  backend: SecretsBackend;
}

/**
 * The backend and index entry that serve `key` from `namespace`, as the list resolves it: the namespace, then its
 * ancestors. A never-scanned source is scanned first (waiting briefly), so a new configuration resolves its keys.
 */
export async function findSecret(
  prisma: PrismaClient,
  serving: ServingBackends,
  tenant: TenantRef,
  namespace: string,
  key: string,
  options: { ownOnly?: boolean } = {},
): Promise<FoundSecret | null> {
  const lineage = options.ownOnly ? [namespace] : namespaceLineage(namespace).reverse();
  const { served, errors } = await servedOf(serving, tenant, lineage);
  if (errors.length && !served.length)
    throw new BackendError(errors[0].code === "internal" ? "unreachable" : errors[0].code, errors[0].message);
  const { usable, unanswered } = await freshen(prisma, serving, tenant, served, errors, false);
  const found = await findVisible(prisma, { tenant: tenant.slug, key, lineage: lineageOf(usable, namespace) });
  // Not found while a backend of the lineage could not be used: that backend's failure, not "cannot find".
  if (!found && unanswered.length)
    throw new BackendError(
      unanswered[0].code === "internal" ? "unreachable" : unanswered[0].code,
      unanswered[0].message,
    );
  if (!found) return null;
  const s = served.find((x) => x.namespace === found.source)!;
  return { served: s, found, backend: await serving.open(tenant, s.effective) };
}

async function mustFind(prisma: PrismaClient, serving: ServingBackends, tenant: TenantRef, ns: string, key: string) {
  const hit = await findSecret(prisma, serving, tenant, ns, key);
  if (!hit) throw new BackendError("not-found", `Cannot find secret for key '${key}'.`);
  return hit;
}

const refOf = (tenant: TenantRef, hit: FoundSecret, key: string) => ({
  tenant: tenant.slug,
  namespace: hit.served.namespace,
  key,
  found: { backendName: hit.found.backendName, namespace: hit.found.namespace, tenantTag: hit.found.tenantTag },
});

export interface ShownSubkeys {
  /** The namespace whose backend holds the secret. */
  namespace: string;
  subkeys: string[];
  /** The latest version, where the backend read it apart from the list (Google): what the row shows from now on. */
  latest?: { version: string; createdAt: string | null };
}

/**
 * "Show subkeys": reads the one secret `key` resolves to from `namespace` (one value read) and keeps its subkey names
 * in the index, so that every later page view (on any instance) shows them without reading again. Where the list does
 * not tell the latest version (Google), its metadata is read first (no value) and kept too, even when the value read
 * then fails (a disabled latest version).
 */
export async function showSubkeys(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  key: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<ShownSubkeys> {
  const hit = await mustFind(prisma, serving, tenant, namespace, key);
  const ref = refOf(tenant, hit, key);
  const latest = await latestVersionOf(hit.backend, ref);
  if (latest) await setLatestVersion(prisma, hit.found.sourceKey, hit.found.backendName, latest);
  const subkeys = await hit.backend.subkeys(ref);
  await setSubkeys(prisma, hit.found.sourceKey, hit.found.backendName, subkeys);
  return {
    namespace: hit.served.namespace,
    subkeys,
    ...(latest
      ? { latest: { version: latest.version, createdAt: latest.createdAt ? latest.createdAt.toISOString() : null } }
      : {}),
  };
}

/**
 * The latest version's metadata where the backend reads it apart from the list. A credential that may read values but
 * not version metadata (forbidden), or a secret gone meanwhile (not-found), leaves it unknown: the value read that
 * follows says what is wrong, as it did before.
 */
async function latestVersionOf(backend: SecretsBackend, ref: SecretRef): Promise<LatestVersion | null> {
  if (!backend.latestVersion) return null;
  try {
    return await backend.latestVersion(ref);
  } catch (error) {
    if (isBackendError(error) && (error.code === "forbidden" || error.code === "not-found")) return null;
    throw error;
  }
}

export interface ResolvedSecret {
  namespace: string;
  backendLabel: string;
  length: number;
}

/** Resolves `secret(key, namespace, subkey)` like a flow would: the namespace, then its ancestors. */
export async function resolveSecretValue(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  key: string,
  subkey?: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<ResolvedSecret> {
  const hit = await mustFind(prisma, serving, tenant, namespace, key);
  const value = await hit.backend.read(refOf(tenant, hit, key), subkey);
  return {
    namespace: hit.served.namespace,
    backendLabel: backendLabel(hit.served.effective.type as BackendType),
    length: [...value].length,
  };
}
