import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { isBackendError, type BackendErrorCode } from "../backends/backend-error";
import type { TenantRef } from "../tenancy/tenant-ref";
import { namespaceLineage } from "../tenancy/names";
import type { ServingBackends } from "./serving";
import type { EffectiveBackend } from "./effective-backend";
import { ensureFresh, type ServedSource } from "./index/freshness";
import type { LineageEntry, SourceStamp } from "./index/query";
import type { SourceState } from "./index/store";

// The backends a list or a lookup reads through the index: each namespace's effective backend with its index source,
// brought up to its freshness policy, and the lineage the index queries take.

export interface SourceError {
  namespace: string;
  code: BackendErrorCode | "internal";
  message: string;
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

/** A lineage namespace with its effective backend and that backend's index source. */
export interface Served {
  namespace: string;
  effective: EffectiveBackend;
  source: ServedSource;
}

export const asSourceError = (namespace: string, error: unknown): SourceError =>
  isBackendError(error)
    ? { namespace, code: error.code, message: error.message }
    : { namespace, code: "internal", message: "The backend could not be read." };

export const attachmentOf = (effective: EffectiveBackend) =>
  effective.source.kind === "namespace" ? effective.source.namespace : null;

/** Each namespace's effective backend and its index source; one that cannot be used is an error, not a failure. */
export async function servedOf(serving: ServingBackends, tenant: TenantRef, namespaces: string[]) {
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
  return { served, errors, backends };
}

/** Brings every distinct source up to its freshness policy (one scan each), and says how fresh the list is. */
export async function freshen(
  prisma: PrismaClient,
  serving: ServingBackends,
  tenant: TenantRef,
  served: Served[],
  errors: SourceError[],
  refresh: boolean,
): Promise<{ freshness: ListFreshness; usable: Served[]; unanswered: SourceError[]; stamps: SourceStamp[] }> {
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
  const stamps: SourceStamp[] = [];
  for (const state of states.values())
    if (state)
      stamps.push({
        key: state.key,
        served: state.servedGeneration,
        revision: state.revision,
        created: state.createdAt,
      });
  return {
    freshness: { asOf: asOf ? asOf.toISOString() : null, scanning, scanned },
    usable: served.filter((s) => !unusable.has(s.source.key)),
    unanswered,
    stamps,
  };
}

/** The index's lineage for `namespace`: each usable source at its depth (0 for the namespace itself). */
export const lineageOf = (served: Served[], namespace: string): LineageEntry[] => {
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
