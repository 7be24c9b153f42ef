import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { IgnoreReason, SecretsBackend } from "../backends/adapter";
import { BackendError, isBackendError, type BackendErrorCode } from "../backends/backend-error";
import { backendLabel, type BackendType } from "../backends/descriptors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { namespaceLineage } from "../tenancy/names";
import { databaseBackends, type ServingBackends } from "./serving";
import type { EffectiveBackend } from "./effective-backend";
import { ensureFresh, type ServedSource } from "./index/freshness";
import { findVisible, type FoundEntry } from "./index/find";
import { listPage } from "./index/paging";
import { ignoredCounts, type LineageEntry } from "./index/query";
import { setSubkeys, type SourceState } from "./index/store";

export interface SecretRow {
  key: string;
  /** The namespace the secret belongs to; null when it belongs to the whole attachment scope (tenant or file). */
  namespace: string | null;
  description: string | null;
  tags: Record<string, string>;
  /** Field names known without a value read (Vault KV v2 metadata, or asked with "Show subkeys"); else null. */
  subkeys: string[] | null;
  backend: BackendType;
  updatedAt: string | null;
  /** The namespace whose secrets this row came from (for rows without a namespace of their own: where the lookup found it). */
  source: string;
  inherited: boolean;
  readOnly: boolean;
  backendLabel: string;
  /** Where the serving configuration is attached: a secret without a namespace of its own belongs to that scope. */
  sourceKind: EffectiveBackend["source"]["kind"];
}

export interface SourceError {
  namespace: string;
  code: BackendErrorCode | "internal";
  message: string;
}

export interface NamespaceSecretsQuery {
  search?: string;
  sort?: "key" | "namespace" | "updated";
  dir?: "asc" | "desc";
  /** The opaque cursor of a page (from `nextCursor` or `prevCursor`); absent: the first page. */
  cursor?: string | null;
  pageSize?: number;
  /** Waits for a new scan of every backend listed (the tab's Refresh). */
  refresh?: boolean;
}

/** How fresh the rows are: the oldest finished scan among the backends listed, and a first scan in progress. */
export interface ListFreshness {
  /** When the least recent backend was scanned; null while none finished a first scan. */
  asOf: string | null;
  /** A backend without a finished scan is being scanned: the rows are what it wrote so far. */
  scanning: boolean;
  /** Secrets the running first scans wrote so far. */
  scanned: number;
}

export interface NamespaceSecrets {
  rows: SecretRow[];
  total: number;
  nextCursor: string | null;
  prevCursor: string | null;
  /** What the namespace's own backend skipped, by reason. */
  ignored: Partial<Record<IgnoreReason, number>>;
  /** Backends that failed (to open, or their last refresh); the rows of the others, and their last index, are listed. */
  errors: SourceError[];
  freshness: ListFreshness;
}

interface Served {
  namespace: string;
  effective: EffectiveBackend;
  source: ServedSource;
}

const asSourceError = (namespace: string, error: unknown): SourceError =>
  isBackendError(error)
    ? { namespace, code: error.code, message: error.message }
    : { namespace, code: "internal", message: "The backend could not be read." };

const attachmentOf = (effective: EffectiveBackend) =>
  effective.source.kind === "namespace" ? effective.source.namespace : null;

/** Each namespace's effective backend and its index source; one that cannot be used is an error, not a failure. */
async function servedOf(serving: ServingBackends, tenant: TenantRef, namespaces: string[]) {
  const backends = await serving.effective(tenant, namespaces);
  const served: Served[] = [];
  const errors: SourceError[] = [];
  for (const ns of namespaces) {
    const effective = backends.get(ns)!;
    try {
      served.push({ namespace: ns, effective, source: await serving.source(tenant, effective) });
    } catch (error) {
      errors.push(asSourceError(ns, error));
    }
  }
  return { served, errors };
}

/** Brings every distinct source up to its freshness policy (one scan each), and says how fresh the list is. */
async function freshen(
  prisma: PrismaClient,
  serving: ServingBackends,
  tenant: TenantRef,
  served: Served[],
  errors: SourceError[],
  refresh: boolean,
): Promise<{ freshness: ListFreshness; usable: Served[]; unanswered: SourceError[] }> {
  const bySource = new Map<string, Served>();
  for (const s of served) if (!bySource.has(s.source.key)) bySource.set(s.source.key, s);
  const states = new Map<string, SourceState | null>();
  const unusable = new Set<string>();
  // Failures of backends that have no index to answer from (opening failed, or no scan ever finished).
  const unanswered: SourceError[] = [];
  await Promise.all(
    [...bySource.values()].map(async (s) => {
      // Opening the adapter (credentials, identity checks) happens only when a scan runs.
      let openError: unknown = null;
      const open = () =>
        serving.open(tenant, s.effective).catch((error: unknown) => {
          openError = error;
          throw error;
        });
      states.set(s.source.key, await ensureFresh(prisma, s.source, open, { refresh }));
      if (openError) {
        errors.push(asSourceError(s.namespace, openError));
        unanswered.push(asSourceError(s.namespace, openError));
        unusable.add(s.source.key);
      }
    }),
  );
  let asOf: Date | null = null;
  let scanning = false;
  let scanned = 0;
  for (const s of bySource.values()) {
    const state = states.get(s.source.key) ?? null;
    if (state?.lastError && !unusable.has(s.source.key)) {
      const error = {
        namespace: s.namespace,
        code: state.lastError.code as SourceError["code"],
        message: state.lastError.message,
      };
      errors.push(error);
      if (state.servedGeneration === null) unanswered.push(error);
    }
    if (state?.servedGeneration === null || !state) {
      if (state?.scanning) {
        scanning = true;
        scanned += state.scanCount;
      }
    } else if (state.scannedAt && (!asOf || state.scannedAt < asOf)) asOf = state.scannedAt;
  }
  return {
    freshness: { asOf: asOf ? asOf.toISOString() : null, scanning, scanned },
    usable: served.filter((s) => !unusable.has(s.source.key)),
    unanswered,
  };
}

function rowsOf(page: Awaited<ReturnType<typeof listPage>>, served: Served[], tenantWide: boolean): SecretRow[] {
  const byNamespace = new Map(served.map((s) => [s.namespace, s]));
  return page.rows.map((r) => {
    const s = byNamespace.get(r.source)!;
    return {
      key: r.key,
      namespace: r.namespace,
      description: r.description,
      tags: r.tags,
      subkeys: r.subkeys,
      backend: s.effective.type as BackendType,
      updatedAt: r.updatedAt,
      source: r.source,
      inherited: !tenantWide && r.inherited,
      readOnly: s.effective.readOnly,
      backendLabel: backendLabel(s.effective.type as BackendType),
      sourceKind: s.effective.source.kind,
    };
  });
}

const lineageOf = (served: Served[], namespace: string): LineageEntry[] => {
  const order = namespaceLineage(namespace).reverse();
  return served
    .map((s) => ({
      namespace: s.namespace,
      depth: order.indexOf(s.namespace),
      sourceKey: s.source.key,
      attachmentNamespace: attachmentOf(s.effective),
    }))
    .filter((l) => l.depth >= 0);
};

/**
 * The Secrets tab from the secrets index: a namespace's own secrets and those it inherits from its ancestors (each
 * served by its own effective backend), a child's key hiding the parent's; searched, sorted and paged in SQL.
 */
export async function listNamespaceSecrets(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  query: NamespaceSecretsQuery,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<NamespaceSecrets> {
  const { served, errors } = await servedOf(serving, tenant, namespaceLineage(namespace).reverse());
  const { freshness, usable } = await freshen(prisma, serving, tenant, served, errors, !!query.refresh);
  const page = await listPage(prisma, {
    sort: query.sort ?? "key",
    dir: query.dir ?? "asc",
    cursor: query.cursor,
    tenantWide: false,
    query: { tenant: tenant.slug, lineage: lineageOf(usable, namespace), search: query.search, limit: query.pageSize },
  });
  const own = usable.find((s) => s.namespace === namespace);
  const ignored = own ? await ignoredCounts(prisma, own.source.key, tenant.slug) : {};
  return {
    rows: rowsOf(page, usable, false),
    total: page.total,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    ignored,
    errors,
    freshness,
  };
}

/** The tenant's Secrets tab: every namespace's own secrets, each row in the namespace it belongs to. */
export async function listTenantSecrets(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespaces: string[],
  query: NamespaceSecretsQuery,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<NamespaceSecrets> {
  const { served, errors } = await servedOf(serving, tenant, namespaces);
  const { freshness, usable } = await freshen(prisma, serving, tenant, served, errors, !!query.refresh);
  const page = await listPage(prisma, {
    sort: query.sort ?? "namespace",
    dir: query.dir ?? "asc",
    cursor: query.cursor,
    tenantWide: true,
    query: {
      tenant: tenant.slug,
      namespaces: usable.map((s) => ({
        namespace: s.namespace,
        sourceKey: s.source.key,
        attachmentNamespace: attachmentOf(s.effective),
      })),
      search: query.search,
      limit: query.pageSize,
    },
  });
  return {
    rows: rowsOf(page, usable, true),
    total: page.total,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    ignored: {},
    errors,
    freshness,
  };
}

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
}

/**
 * "Show subkeys": reads the one secret `key` resolves to from `namespace` (one value read) and keeps its subkey names
 * in the index, so that every later page view (on any instance) shows them without reading again.
 */
export async function showSubkeys(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  key: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<ShownSubkeys> {
  const hit = await mustFind(prisma, serving, tenant, namespace, key);
  const subkeys = await hit.backend.subkeys(refOf(tenant, hit, key));
  await setSubkeys(prisma, hit.found.sourceKey, hit.found.backendName, subkeys);
  return { namespace: hit.served.namespace, subkeys };
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
