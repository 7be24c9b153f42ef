import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import { credentialPathsOf, mergeCredentials, parseConfigDocument, splitCredentials, type Credentials } from "../backends/document";
import { EXTERNAL_BACKEND_TYPES } from "../backends/types";
import { decrypt, encrypt } from "../crypto";
import { KeyholdError } from "../errors";
import { configViewSchema, EMPTY_CONFIG_VIEW, type ConfigView } from "./config-view";
import { credentialsContext, type ResolvedScope } from "./scope";
import { fromDbType, toDbType } from "./type-mapping";
import { diffSettings } from "./settings-diff";

export const saveConfigInput = z.strictObject({
  /** The version the form was loaded with; null when the form created a new configuration. */
  expectedVersion: z.number().int().positive().nullable(),
  enabled: z.boolean(),
  document: z.unknown(),
  /** Credential paths to keep from the stored configuration (the form's "set" fields left alone). */
  keepCredentials: z.array(z.string().max(128)).max(20).default([]),
});

export type SaveConfigInput = z.infer<typeof saveConfigInput>;

async function findRow(prisma: PrismaClient, scope: ResolvedScope) {
  return prisma.secretsManagerConfig.findUnique({ where: { tenantId_scopeKey: { tenantId: scope.tenantId, scopeKey: scope.scopeKey } } });
}

export async function loadConfigView(prisma: PrismaClient, scope: ResolvedScope): Promise<ConfigView> {
  const row = await findRow(prisma, scope);
  if (!row) return EMPTY_CONFIG_VIEW;
  const type = fromDbType(row.type);
  const settings = structuredClone(row.settings) as Record<string, unknown>;
  // The settings column never holds credentials; strip their paths anyway so a bug cannot leak one.
  const cleaned = splitCredentials({ ...(settings as object), type } as never).settings as Record<string, unknown>;
  return configViewSchema.parse({
    exists: true,
    enabled: row.enabled,
    version: row.version,
    type,
    readOnly: row.readOnly,
    settings: cleaned,
    credentialsSet: row.credentials ? Object.keys(readCredentials(row.credentials, scope)) : [],
    lastVerify: row.lastVerifiedAt
      ? { at: row.lastVerifiedAt.toISOString(), status: row.lastVerifyStatus ?? "OK", message: row.lastVerifyMessage, latencyMs: row.lastVerifyLatency }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  });
}

function readCredentials(envelope: string, scope: ResolvedScope): Credentials {
  return JSON.parse(decrypt(envelope, credentialsContext(scope))) as Credentials;
}

const conflict = (version: number | null) =>
  new KeyholdError(
    "conflict",
    `Someone else saved this configuration${version ? ` (now version ${version})` : ""} after you opened it. Your changes were not saved: reload to see theirs, then apply yours again.`,
  );

function parentExists(document: Record<string, unknown>, dotted: string): boolean {
  const path = dotted.split(".").slice(0, -1);
  const parent = path.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), document);
  return !!parent && typeof parent === "object";
}

/**
 * The submitted document with the stored credentials the form kept ("set", not replaced) put back:
 * only for the same backend type and only where the credential's parent section is still present.
 */
export async function documentWithKeptCredentials(
  prisma: PrismaClient,
  scope: ResolvedScope,
  document: unknown,
  keepCredentials: string[],
  existing?: Awaited<ReturnType<typeof findRow>>,
) {
  const row = existing === undefined ? await findRow(prisma, scope) : existing;
  const submitted = (document ?? {}) as Record<string, unknown>;
  const type = typeof submitted.type === "string" && (EXTERNAL_BACKEND_TYPES as readonly string[]).includes(submitted.type) ? submitted.type : null;
  const kept: Credentials = {};
  if (row?.credentials && type && fromDbType(row.type) === type) {
    const stored = readCredentials(row.credentials, scope);
    const allowed = new Set(credentialPathsOf(type as never));
    for (const path of keepCredentials) {
      if (allowed.has(path) && stored[path] !== undefined && parentExists(submitted, path)) kept[path] = stored[path];
    }
  }
  return { parsed: parseConfigDocument(mergeCredentials(submitted, kept), { unknownKeys: "error" }), kept };
}

/** Validates and saves a dedicated manager with optimistic locking; nothing is written when anything is invalid. */
export async function saveConfig(prisma: PrismaClient, scope: ResolvedScope, input: SaveConfigInput, actor: string): Promise<ConfigView> {
  const row = await findRow(prisma, scope);
  if ((row?.version ?? null) !== input.expectedVersion) throw conflict(row?.version ?? null);
  const audit = { tenantId: scope.tenantId, namespace: scope.namespace, actor, outcome: "success" };

  if (!input.enabled) {
    if (!row) return EMPTY_CONFIG_VIEW;
    const n = await prisma.$transaction(async (tx) => {
      const r = await tx.secretsManagerConfig.updateMany({ where: { id: row.id, tenantId: scope.tenantId, version: row.version }, data: { enabled: false, version: { increment: 1 } } });
      if (r.count) await tx.auditEvent.create({ data: { ...audit, action: "config.disabled", details: {} } });
      return r.count;
    });
    if (!n) throw conflict(null);
    return loadConfigView(prisma, scope);
  }

  const { parsed, kept } = await documentWithKeptCredentials(prisma, scope, input.document, input.keepCredentials, row);
  if (!parsed.ok) {
    const fieldErrors = Object.fromEntries(parsed.errors.map((e) => [e.path || "_", e.message]));
    throw new KeyholdError("invalid-input", "The configuration is not valid; nothing was saved.", fieldErrors);
  }
  const { settings, credentials } = splitCredentials(parsed.document);
  const credentialsEnvelope = Object.keys(credentials).length ? encrypt(JSON.stringify(credentials), credentialsContext(scope)) : null;
  const data = {
    type: toDbType(parsed.document.type),
    enabled: true,
    readOnly: parsed.document["read-only"],
    settings: settings as object,
    credentials: credentialsEnvelope,
  };
  const replaced = Object.keys(credentials).filter((p) => !(p in kept));
  const details = {
    changed: row ? diffSettings(row.settings as Record<string, unknown>, settings as Record<string, unknown>) : [],
    credentials: Object.fromEntries(replaced.map((p) => [p, "replaced"])),
    type: parsed.document.type,
    readOnly: parsed.document["read-only"],
  };

  try {
    await prisma.$transaction(async (tx) => {
      if (!row) {
        await tx.secretsManagerConfig.create({
          data: { ...data, tenantId: scope.tenantId, namespaceId: scope.namespaceId, scopeKey: scope.scopeKey, scope: scope.namespaceId ? "NAMESPACE" : "TENANT" },
        });
        await tx.auditEvent.create({ data: { ...audit, action: "config.created", details } });
        return;
      }
      const r = await tx.secretsManagerConfig.updateMany({
        where: { id: row.id, tenantId: scope.tenantId, version: row.version },
        data: { ...data, version: { increment: 1 }, ...(row.type !== data.type ? { lastVerifiedAt: null, lastVerifyStatus: null, lastVerifyMessage: null, lastVerifyLatency: null } : {}) },
      });
      if (!r.count) throw conflict(null);
      const action = row.readOnly !== data.readOnly ? "config.read-only-toggled" : replaced.length && !details.changed.length ? "config.credentials-replaced" : "config.updated";
      await tx.auditEvent.create({ data: { ...audit, action, details } });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw conflict(null);
    throw error;
  }
  return loadConfigView(prisma, scope);
}
