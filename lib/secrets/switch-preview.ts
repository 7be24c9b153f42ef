import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/generated/client";
import type { IndexedSecret, SecretsBackend } from "../backends/adapter";
import { backendLabel, fromDbType, type BackendType } from "../backends/descriptors";
import type { ConfigDocument } from "../backends/document";
import { createBackend } from "../backends/registry";
import { reserve } from "../auth/rate-limit";
import type { SwitchCounts } from "../audit/record";
import { KeyholdError } from "../errors";
import { documentWithKeptCredentials } from "../managers/config-store";
import { identityRefusal } from "../managers/credential-binding";
import { configCandidates, globalCandidate } from "../managers/effective";
import type { ResolvedScope } from "../managers/scope";
import { issueConfirmation, switchChanges, targetOf } from "../managers/switch-confirmation";
import { instanceEgressPolicy } from "../net/egress-settings";
import { listNamespaces } from "../tenancy/namespaces";
import { namespaceLineage } from "../tenancy/names";
import type { TenantRef } from "../tenancy/tenant-ref";
import { describeSource, resolveEffectiveBackend, type EffectiveBackend } from "./effective-backend";
import { dropSources, refreshSource } from "./index/store";
import { listVisible, type LineageEntry } from "./index/query";
import { attachmentOf, freshen, type Served } from "./lineage-sources";
import { listNamespaceSecrets } from "./namespace-secrets";
import { databaseBackends, type ServingBackends } from "./serving";
import { VERIFY_FORM_LIMIT } from "./verify";

/** Bounds of a preview: namespaces counted, keys per namespace, entries scanned from the unsaved configuration. */
export const PREVIEW_LIMITS = { namespaces: 25, keysPerNamespace: 5_000, scanEntries: 5_000, listed: 200 };

export interface SwitchPreview {
  /** false: the save keeps the backend (no confirmation needed); the counts are then zero. */
  switching: boolean;
  from: string;
  to: string;
  /** What makes the save a switch, in the form's words ("secret path prefix", "address"); empty when not switching. */
  changes: string[];
  /** The namespaces whose flows would resolve against another backend. */
  namespaces: string[];
  counts: SwitchCounts;
  /** Keys that would disappear from flows (`secret('KEY')` would fail), at most PREVIEW_LIMITS.listed. */
  missing: { namespace: string; key: string }[];
  /** A bound was reached: the counts cover part of the secrets only. */
  truncated: boolean;
  /** The unsaved configuration could not be scanned: it is counted as empty. */
  scanError: { code: string; message: string } | null;
  /** What the save must carry to go ahead (null when not switching). */
  confirmation: string | null;
}

export interface PreviewInput {
  enabled: boolean;
  document: unknown;
  keepCredentials: string[];
}

const isScope = (scope: ResolvedScope, e: EffectiveBackend) =>
  scope.namespace === null
    ? e.source.kind === "tenant"
    : e.source.kind === "namespace" && e.source.namespace === scope.namespace;

const label = (e: EffectiveBackend) => `${backendLabel(e.type as BackendType)} (${describeSource(e.source)})`;

/** A scan stopped after `max` entries; `cut()` says whether it was. */
function bounded(backend: SecretsBackend, max: number) {
  let seen = 0;
  let cut = false;
  async function* pages(): AsyncIterable<IndexedSecret[]> {
    for await (const page of backend.scan()) {
      const room = max - seen;
      seen += Math.min(room, page.length);
      yield page.slice(0, room);
      if (page.length >= room) {
        cut = true;
        return;
      }
    }
  }
  return { pages, cut: () => cut };
}

/**
 * What saving a dedicated manager would do to the flows of the namespaces it serves: each affected namespace's keys
 * now (through the index) against its keys after the save (the unsaved configuration scanned, bounded, through the
 * same credential and egress rules as verifying a form, into a throw-away index source that is dropped at the end).
 */
export async function previewSwitch(
  prisma: PrismaClient,
  tenant: TenantRef,
  scope: ResolvedScope,
  input: PreviewInput,
  who: { actor: string; instanceAdmin: boolean },
  serving: ServingBackends = databaseBackends(prisma),
): Promise<SwitchPreview> {
  const row = await prisma.secretsManagerConfig.findFirst({
    where: { tenantId: scope.tenantId, scopeKey: scope.scopeKey },
    select: { id: true, version: true, enabled: true, type: true, settings: true },
  });
  let document: ConfigDocument | null = null;
  if (input.enabled) {
    const { parsed } = await documentWithKeptCredentials(prisma, scope, input.document, input.keepCredentials);
    if (!parsed.ok)
      throw new KeyholdError(
        "invalid-input",
        // The save's own words: the form shows this before anything is saved.
        "The configuration is not valid; nothing was saved.",
        Object.fromEntries(parsed.errors.map((e) => [e.path || "_", e.message])),
      );
    const refusal = identityRefusal(parsed.document, who.instanceAdmin);
    if (refusal) throw new KeyholdError("invalid-config", refusal);
    document = parsed.document;
  }
  const stored = row
    ? { enabled: row.enabled, type: fromDbType(row.type), settings: row.settings as Record<string, unknown> }
    : null;

  const configs = await configCandidates(prisma, scope.tenantId);
  const global = globalCandidate();
  const others = configs.filter((c) => c.namespace !== scope.namespace);
  const after = document
    ? [
        ...others,
        {
          id: "preview",
          namespace: scope.namespace,
          type: document.type,
          readOnly: document["read-only"],
          enabled: true,
        },
      ]
    : others;
  const before = (ns: string | null) => resolveEffectiveBackend(tenant.slug, ns, configs, global);
  const afterOf = (ns: string | null) => resolveEffectiveBackend(tenant.slug, ns, after, global);
  const from = label(before(scope.namespace));
  const to = label(afterOf(scope.namespace));
  const none: SwitchCounts = { current: 0, kept: 0, missing: 0, added: 0 };
  const changes = switchChanges(stored, input.enabled, document);
  if (!changes.length)
    return {
      switching: false,
      from,
      to,
      changes,
      namespaces: [],
      counts: none,
      missing: [],
      truncated: false,
      scanError: null,
      confirmation: null,
    };

  // Preview scans an address the caller chose, as verifying a form does: the same limit.
  const limit = await reserve(prisma, { bucket: `verify-form:${who.actor}`, ...VERIFY_FORM_LIMIT });
  if (!limit.allowed)
    throw new KeyholdError("rate-limited", "Too many previews and verifications: try again in a minute.");

  const all = await listNamespaces(prisma, scope.tenantId);
  const inScope = all.filter(
    (ns) => scope.namespace === null || ns === scope.namespace || ns.startsWith(`${scope.namespace}.`),
  );
  const affected = inScope.filter((ns) => isScope(scope, before(ns)) || isScope(scope, afterOf(ns)));
  let truncated = affected.length > PREVIEW_LIMITS.namespaces;
  const counted = affected.slice(0, PREVIEW_LIMITS.namespaces);

  const previewKey = `preview:${randomUUID()}`;
  let scanError: SwitchPreview["scanError"] = null;
  try {
    if (document) {
      const backend = createBackend({
        document,
        attachment: { tenant: tenant.slug, namespace: scope.namespace },
        egress: instanceEgressPolicy(),
      });
      const scan = bounded(backend, PREVIEW_LIMITS.scanEntries);
      const result = await refreshSource(
        prisma,
        { key: previewKey, tenantId: scope.tenantId, configId: null },
        scan.pages,
      );
      if (result.status === "failed") scanError = { code: result.code, message: result.message };
      if (scan.cut()) truncated = true;
    }
    const counts = { ...none };
    const missing: SwitchPreview["missing"] = [];
    for (const ns of counted) {
      const now = await keysNow(prisma, tenant, ns, serving);
      const later = await keysAfter(prisma, tenant, ns, afterOf, previewKey, scope, serving);
      if (now.truncated || later.truncated) truncated = true;
      counts.current += now.keys.size;
      for (const key of now.keys) {
        if (later.keys.has(key)) counts.kept++;
        else {
          counts.missing++;
          if (missing.length < PREVIEW_LIMITS.listed) missing.push({ namespace: ns, key });
        }
      }
      for (const key of later.keys) if (!now.keys.has(key)) counts.added++;
    }
    const target = targetOf(input.enabled, document);
    return {
      switching: true,
      from,
      to,
      changes,
      namespaces: counted,
      counts,
      missing,
      truncated,
      scanError,
      confirmation: issueConfirmation(scope, row?.version ?? null, target, counts),
    };
  } finally {
    await dropSources(prisma, { key: previewKey });
  }
}

/** The keys flows in `namespace` resolve now, through the index (what its Secrets tab lists). */
async function keysNow(prisma: PrismaClient, tenant: TenantRef, namespace: string, serving: ServingBackends) {
  const keys = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await listNamespaceSecrets(prisma, tenant, namespace, { pageSize: 200, cursor }, serving);
    for (const r of page.rows) keys.add(r.key);
    cursor = page.nextCursor;
  } while (cursor && keys.size < PREVIEW_LIMITS.keysPerNamespace);
  return { keys, truncated: !!cursor };
}

/** The keys flows in `namespace` would resolve after the save: the lineage with each namespace's backend after it. */
async function keysAfter(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string,
  afterOf: (ns: string) => EffectiveBackend,
  previewKey: string,
  scope: ResolvedScope,
  serving: ServingBackends,
) {
  const chain = namespaceLineage(namespace).reverse();
  const served: Served[] = [];
  const lineage: LineageEntry[] = [];
  for (const [depth, ns] of chain.entries()) {
    const effective = afterOf(ns);
    if (effective.configId === "preview") {
      lineage.push({ namespace: ns, depth, sourceKey: previewKey, attachmentNamespace: scope.namespace });
      continue;
    }
    const source = await serving.source(tenant, effective);
    served.push({ namespace: ns, effective, source });
    lineage.push({ namespace: ns, depth, sourceKey: source.key, attachmentNamespace: attachmentOf(effective) });
  }
  // Backends that stay (a parent's, the file's) are brought up to their freshness policy as a list would.
  if (served.length) await freshen(prisma, serving, tenant, served, [], false);
  const keys = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await listVisible(prisma, { tenant: tenant.slug, lineage, cursor, limit: 500 });
    for (const r of page.rows) keys.add(r.key);
    cursor = page.nextCursor;
  } while (cursor && keys.size < PREVIEW_LIMITS.keysPerNamespace);
  return { keys, truncated: !!cursor };
}
