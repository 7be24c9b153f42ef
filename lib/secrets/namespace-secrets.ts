import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { IgnoreReason, SecretsBackend, SecretSummary } from "../backends/adapter";
import { BackendError, isBackendError, type BackendErrorCode } from "../backends/backend-error";
import { backendLabel, type BackendType } from "../backends/descriptors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { namespaceLineage } from "../tenancy/names";
import { searchSecrets } from "../backends/search";
import { compareKeys } from "../backends/sort";
import { databaseBackends, type ServingBackends } from "./serving";
import type { EffectiveBackend } from "./effective-backend";
import { describeRows, forgetKnownSubkeys, knownSubkeys, rememberSubkeys } from "./row-details";

export interface SecretRow extends SecretSummary {
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
  page?: number;
  pageSize?: number;
  refresh?: boolean;
}

export interface NamespaceSecrets {
  rows: SecretRow[];
  total: number;
  page: number;
  pageCount: number;
  /** What the namespace's own backend skipped, by reason. */
  ignored: Partial<Record<IgnoreReason, number>>;
  /** Backends that failed; the rows of the others are still listed. */
  errors: SourceError[];
}

interface Source {
  namespace: string;
  effective: EffectiveBackend;
  backend: SecretsBackend;
}

const asSourceError = (namespace: string, error: unknown): SourceError =>
  isBackendError(error)
    ? { namespace, code: error.code, message: error.message }
    : { namespace, code: "internal", message: "The backend could not be read." };

async function sourcesOf(
  serving: ServingBackends,
  tenant: TenantRef,
  lineage: string[],
): Promise<{ sources: Source[]; errors: SourceError[] }> {
  const backends = await serving.effective(tenant, lineage);
  const sources: Source[] = [];
  const errors: SourceError[] = [];
  for (const ns of lineage) {
    const effective = backends.get(ns)!;
    try {
      sources.push({ namespace: ns, effective, backend: await serving.open(tenant, effective) });
    } catch (error) {
      errors.push(asSourceError(ns, error));
    }
  }
  return { sources, errors };
}

async function allOwn(
  source: Source,
  tenant: string,
  refresh: boolean,
): Promise<{ items: SecretSummary[]; ignored: SecretPageIgnored }> {
  const items: SecretSummary[] = [];
  let cursor: string | null = null;
  let ignored: SecretPageIgnored = {};
  for (let i = 0; i < 1000; i++) {
    const page = await source.backend.list({
      tenant,
      namespace: source.namespace,
      cursor,
      pageSize: 500,
      refresh: refresh && i === 0,
    });
    items.push(...page.items);
    ignored = page.ignored;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { items, ignored };
}
type SecretPageIgnored = Partial<Record<IgnoreReason, number>>;

/**
 * The Secrets tab: a namespace's own secrets and those it inherits from its ancestors (each served by
 * its own effective backend), a child's key hiding the parent's, then searched, sorted and paged.
 */
export async function listNamespaceSecrets(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  query: NamespaceSecretsQuery,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<NamespaceSecrets> {
  const { sources, errors } = await sourcesOf(serving, tenant, namespaceLineage(namespace).reverse());
  return collect(tenant, sources, errors, query, namespace);
}

/** The tenant's Secrets tab: every namespace's own secrets, each row in the namespace it belongs to. */
export async function listTenantSecrets(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespaces: string[],
  query: NamespaceSecretsQuery,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<NamespaceSecrets> {
  const { sources, errors } = await sourcesOf(serving, tenant, namespaces);
  return collect(tenant, sources, errors, query, null);
}

/** With `namespace`, rows merge by key (nearest wins); without, every namespace keeps its own rows. */
async function collect(
  tenant: TenantRef,
  sources: Source[],
  errors: SourceError[],
  query: NamespaceSecretsQuery,
  namespace: string | null,
): Promise<NamespaceSecrets> {
  const lists = await Promise.all(
    sources.map((s) =>
      allOwn(s, tenant.slug, !!query.refresh).then(
        (r) => ({ source: s, ...r }),
        (error: unknown) => ({ source: s, error }),
      ),
    ),
  );
  const merged = new Map<string, SecretRow>();
  let ignored: SecretPageIgnored = {};
  for (const list of lists) {
    if ("error" in list) {
      errors.push(asSourceError(list.source.namespace, list.error));
      continue;
    }
    if (list.source.namespace === namespace) ignored = list.ignored;
    for (const item of list.items) {
      // Secrets of a tenant-wide attachment show in every namespace's list: once is enough on the tenant tab.
      const id = namespace
        ? item.key
        : `${item.namespace ?? "*"}/${item.key}/${list.source.effective.configId ?? list.source.effective.type}`;
      if (merged.has(id)) continue; // the nearer namespace wins
      merged.set(id, {
        ...item,
        source: list.source.namespace,
        inherited: namespace !== null && list.source.namespace !== namespace,
        readOnly: list.source.effective.readOnly,
        backendLabel: backendLabel(list.source.effective.type as BackendType),
        sourceKind: list.source.effective.source.kind,
      });
    }
  }
  const rows = searchSecrets([...merged.values()], query.search, (r) => r);
  const dir = query.dir === "desc" ? -1 : 1;
  const sortKey = query.sort ?? (namespace ? "key" : "namespace");
  rows.sort((a, b) => {
    const primary =
      sortKey === "namespace"
        ? compareKeys(a.source, b.source)
        : sortKey === "updated"
          ? compareKeys(a.updatedAt ?? "", b.updatedAt ?? "")
          : 0;
    return dir * (primary || compareKeys(a.key, b.key));
  });
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 200);
  const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pageCount);
  const slice = rows.slice((page - 1) * pageSize, page * pageSize);

  // Never a value read: backends whose descriptor says `metadata` describe the rows on this page (Vault KV v2);
  // for the others, subkeys are the names someone asked for ("Show subkeys"), else unknown (null).
  const bySource = new Map(sources.map((s) => [s.namespace, s]));
  const groups = new Map<string, SecretRow[]>();
  for (const row of slice) {
    const owner = row.source;
    groups.set(owner, [...(groups.get(owner) ?? []), row]);
  }
  await Promise.all(
    [...groups].map(async ([owner, rowsOfOwner]) => {
      const s = bySource.get(owner);
      if (!s) return;
      if (query.refresh) forgetKnownSubkeys(s.effective, tenant.id);
      if (s.backend.subkeySource === "metadata")
        await describeRows(tenant, s.effective, s.backend, s.namespace, rowsOfOwner, !!query.refresh);
      await Promise.all(
        rowsOfOwner.map(async (row) => {
          if (row.subkeys === null) row.subkeys = await knownSubkeys(s.effective, tenant.id, row.namespace, row.key);
        }),
      );
    }),
  );
  return { rows: slice, total: rows.length, page, pageCount, ignored, errors };
}

/** The backend and namespace that serve `key` from `namespace`, as the list resolves it: the namespace, then its ancestors. */
async function findSecret(serving: ServingBackends, tenant: TenantRef, namespace: string, key: string) {
  const { sources, errors } = await sourcesOf(serving, tenant, namespaceLineage(namespace).reverse());
  if (errors.length && !sources.length)
    throw new BackendError(errors[0].code === "internal" ? "unreachable" : errors[0].code, errors[0].message);
  for (const s of sources) {
    const found = await s.backend.list({ tenant: tenant.slug, namespace: s.namespace, keys: [key] });
    if (found.items.length) return { source: s, item: found.items[0] };
  }
  throw new BackendError("not-found", `Cannot find secret for key '${key}'.`);
}

export interface ShownSubkeys {
  /** The namespace whose backend holds the secret. */
  namespace: string;
  subkeys: string[];
}

/**
 * "Show subkeys": reads the one secret `key` resolves to from `namespace` (one value read) and keeps its
 * subkey names, so that the next page view shows them without reading again. Names only leave this function.
 */
export async function showSubkeys(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  key: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<ShownSubkeys> {
  const { source, item } = await findSecret(serving, tenant, namespace, key);
  const subkeys = await rememberSubkeys(source.effective, tenant.id, item.namespace, key, () =>
    source.backend.subkeys({ tenant: tenant.slug, namespace: source.namespace, key }),
  );
  return { namespace: source.namespace, subkeys };
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
  const { source } = await findSecret(serving, tenant, namespace, key);
  const value = await source.backend.read({ tenant: tenant.slug, namespace: source.namespace, key }, subkey);
  return {
    namespace: source.namespace,
    backendLabel: backendLabel(source.effective.type as BackendType),
    length: [...value].length,
  };
}
