import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { IgnoreReason } from "../backends/adapter";
import { backendLabel, type BackendType } from "../backends/descriptors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { namespaceLineage } from "../tenancy/names";
import { databaseBackends, type ServingBackends } from "./serving";
import type { EffectiveBackend } from "./effective-backend";
import {
  attachmentOf,
  freshen,
  lineageOf,
  servedOf,
  type ListFreshness,
  type Served,
  type SourceError,
} from "./lineage-sources";
import { listPage } from "./index/paging";
import { ignoredCounts } from "./index/query";
import type { LifecycleFilter } from "./index/lifecycle";

export type { ListFreshness, SourceError } from "./lineage-sources";

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
  /** Age, rotation and expiry where the backend tells them (never a value). */
  lifecycle: RowLifecycle;
}

export interface RowLifecycle {
  enabled: boolean | null;
  expiresAt: string | null;
  notBefore: string | null;
  lastRotatedAt: string | null;
  nextRotationAt: string | null;
  version: string | null;
  versionCreatedAt: string | null;
}

export interface NamespaceSecretsQuery {
  /** Only secrets expiring within 30 days, disabled, or not changed for 90 days. */
  filter?: LifecycleFilter;
  search?: string;
  sort?: "key" | "namespace" | "updated";
  dir?: "asc" | "desc";
  /** The opaque cursor of a page (from `nextCursor` or `prevCursor`); absent: the first page. */
  cursor?: string | null;
  pageSize?: number;
  /** Waits for a new scan of every backend listed (the tab's Refresh). */
  refresh?: boolean;
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

export interface NamespaceListing extends NamespaceSecrets {
  /** The namespace's effective backend (the page's heading), as the listing resolved it. */
  effective: EffectiveBackend;
  /** The lineage's backends with their index sources, as the listing resolved them (lib/secrets/list-cache.ts). */
  served: Served[];
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
      lifecycle: {
        enabled: r.enabled,
        expiresAt: r.expiresAt,
        notBefore: r.notBefore,
        lastRotatedAt: r.lastRotatedAt,
        nextRotationAt: r.nextRotationAt,
        version: r.version,
        versionCreatedAt: r.versionCreatedAt,
      },
    };
  });
}

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
): Promise<NamespaceListing> {
  const { served, errors, backends } = await servedOf(serving, tenant, namespaceLineage(namespace).reverse());
  const { freshness, usable, stamps } = await freshen(prisma, serving, tenant, served, errors, !!query.refresh);
  const own = usable.find((s) => s.namespace === namespace);
  const [page, ignored] = await Promise.all([
    listPage(prisma, {
      sort: query.sort ?? "key",
      dir: query.dir ?? "asc",
      cursor: query.cursor,
      tenantWide: false,
      query: {
        tenant: tenant.slug,
        lineage: lineageOf(usable, namespace),
        search: query.search,
        limit: query.pageSize,
        stamps,
        filter: query.filter,
      },
    }),
    own
      ? ignoredCounts(
          prisma,
          own.source.key,
          tenant.slug,
          stamps.find((s) => s.key === own.source.key),
        )
      : {},
  ]);
  return {
    effective: backends.get(namespace)!,
    served,
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
      filter: query.filter,
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
