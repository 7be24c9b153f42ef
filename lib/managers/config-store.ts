import "server-only";
import { testPause } from "../server/test-pause";
import { dropSources } from "../secrets/index/store";
import { z } from "zod";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { changedDestinations, credentialNoun, identityOf, reenterMessage } from "../backends/destination";
import {
  credentialPathsOf,
  mergeCredentials,
  parseConfigDocument,
  splitCredentials,
  type ConfigDocument,
  type Credentials,
} from "../backends/document";
import { getPath, pathKeys } from "../backends/document-path";
import { EXTERNAL_BACKEND_TYPES, fromDbType, toDbType, type ExternalBackendType } from "../backends/descriptors";
import { KeyholdError } from "../errors";
import { boundedJson } from "../input/bounded-json";
import { configViewSchema, EMPTY_CONFIG_VIEW, type ConfigView } from "./config-view";
import { identityRefusal, openCredentials, sealCredentials } from "./credential-binding";
import { tenantBoundaryErrors } from "./tenant-boundary";
import type { ResolvedScope } from "./scope";
import { diffSettings } from "./settings-diff";
import { recordAudit, type ConfigChange } from "../audit/record";
import { capabilityReportSchema, type CapabilityReport } from "../backends/capabilities";
import { checkConfirmation, isBackendSwitch, targetOf } from "./switch-confirmation";

export const saveConfigInput = z.strictObject({
  /** The version the form was loaded with; null when the form created a new configuration. */
  expectedVersion: z.number().int().positive().nullable(),
  enabled: z.boolean(),
  document: boundedJson(),
  /** Credential paths to keep from the stored configuration (the form's "set" fields left alone). */
  keepCredentials: z.array(z.string().max(128)).max(20).default([]),
  /** A switch preview's confirmation (lib/secrets/switch-preview.ts), when the save changes the serving backend. */
  confirmSwitch: z.string().max(4096).optional(),
});

export type SaveConfigInput = z.infer<typeof saveConfigInput>;

async function findRow(prisma: PrismaClient, scope: ResolvedScope) {
  return prisma.secretsManagerConfig.findUnique({
    where: { tenantId_scopeKey: { tenantId: scope.tenantId, scopeKey: scope.scopeKey } },
  });
}

/** The stored capability table, or null when the column is empty or does not parse (written by an older build). */
function storedCapabilities(value: unknown): CapabilityReport | null {
  const parsed = capabilityReportSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
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
    ...credentialsState(row, scope),
    lastVerify: row.lastVerifiedAt
      ? {
          at: row.lastVerifiedAt.toISOString(),
          status: row.lastVerifyStatus ?? "OK",
          message: row.lastVerifyMessage,
          latencyMs: row.lastVerifyLatency,
          capabilities: storedCapabilities(row.lastVerifyCapabilities),
        }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  });
}

type ConfigRow = NonNullable<Awaited<ReturnType<typeof findRow>>>;

/** The stored document of a row: its settings with its type (credentials are never part of settings). */
function storedConfig(row: ConfigRow): ConfigDocument {
  return { ...(row.settings as Record<string, unknown>), type: fromDbType(row.type) } as ConfigDocument;
}

/** Which credentials are set, or that they cannot be used (bound to another destination, or an unknown key). */
function credentialsState(
  row: ConfigRow,
  scope: ResolvedScope,
): { credentialsSet: string[]; credentialsUnusable: boolean } {
  if (!row.credentials) return { credentialsSet: [], credentialsUnusable: false };
  try {
    return {
      credentialsSet: Object.keys(openCredentials(row.credentials, scope, storedConfig(row))),
      credentialsUnusable: false,
    };
  } catch {
    return { credentialsSet: [], credentialsUnusable: true };
  }
}

const conflict = (version: number | null) =>
  new KeyholdError(
    "conflict",
    `Someone else saved this configuration${version ? ` (now version ${version})` : ""} after you opened it. Your changes were not saved: reload to see theirs, then apply yours again.`,
  );

function parentExists(document: Record<string, unknown>, dotted: string): boolean {
  const parent = getPath(document, pathKeys(dotted).slice(0, -1));
  return !!parent && typeof parent === "object";
}

/**
 * The submitted document with the stored credentials the form kept ("set", not replaced) put back: only for the
 * same backend type, only where the credential's parent section is still present, and only while every
 * destination field (where the credential is sent, what it unlocks) is unchanged. A kept credential whose
 * destination changed is refused with a field error asking for it again, in save and in verify alike.
 */
export async function documentWithKeptCredentials(
  prisma: PrismaClient,
  scope: ResolvedScope,
  document: unknown,
  keepCredentials: string[],
  existing?: ConfigRow | null,
) {
  const row = existing === undefined ? await findRow(prisma, scope) : existing;
  const submitted = (document ?? {}) as Record<string, unknown>;
  const type =
    typeof submitted.type === "string" && (EXTERNAL_BACKEND_TYPES as readonly string[]).includes(submitted.type)
      ? (submitted.type as ExternalBackendType)
      : null;
  const kept: Credentials = {};
  if (row?.credentials && type && fromDbType(row.type) === type) {
    const allowed = new Set(credentialPathsOf(type));
    const wanted = keepCredentials.filter((path) => allowed.has(path) && parentExists(submitted, path));
    if (wanted.length) {
      let stored: Credentials;
      try {
        stored = openCredentials(row.credentials, scope, storedConfig(row));
      } catch {
        throw new KeyholdError(
          "invalid-input",
          "The stored credentials cannot be used any more; enter them again.",
          Object.fromEntries(
            wanted.map((p) => [
              p,
              `Enter the ${credentialNoun(type, p.slice(type.length + 1))} again: the stored one was saved for another destination`,
            ]),
          ),
        );
      }
      for (const path of wanted) if (Object.hasOwn(stored, path)) kept[path] = stored[path];
    }
  }
  const parsed = parseConfigDocument(mergeCredentials(submitted, kept), { unknownKeys: "error" });
  if (parsed.ok && type && row && Object.keys(kept).length) {
    const changed = changedDestinations(type, (row.settings as Record<string, unknown>)[type], parsed.document[type]);
    if (changed.length) {
      throw new KeyholdError(
        "invalid-input",
        "Where the stored credentials would be sent changed: enter them again. Nothing was sent or saved.",
        Object.fromEntries(Object.keys(kept).map((p) => [p, reenterMessage(type, p.slice(type.length + 1), changed)])),
      );
    }
  }
  return { parsed, kept };
}

/** Validates and saves a dedicated manager with optimistic locking; nothing is written when anything is invalid. */
export async function saveConfig(
  prisma: PrismaClient,
  scope: ResolvedScope,
  input: SaveConfigInput,
  actor: string,
  /** `requireSwitchConfirmation`: refuse a change of the serving backend without its preview's confirmation. */
  who: { instanceAdmin: boolean; requireSwitchConfirmation?: boolean } = { instanceAdmin: false },
): Promise<ConfigView> {
  const row = await findRow(prisma, scope);
  if ((row?.version ?? null) !== input.expectedVersion) throw conflict(row?.version ?? null);
  const audit = { tenantId: scope.tenantId, namespace: scope.namespace, actor, outcome: "success" } as const;
  const stored = row
    ? { enabled: row.enabled, type: fromDbType(row.type), settings: row.settings as Record<string, unknown> }
    : null;
  // The counts its preview showed, recorded with the change; undefined when the save keeps the backend.
  const confirmed = (document: ConfigDocument | null) =>
    who.requireSwitchConfirmation && isBackendSwitch(stored, input.enabled, document)
      ? checkConfirmation(input.confirmSwitch, scope, row?.version ?? null, targetOf(input.enabled, document))
      : undefined;

  if (!input.enabled) {
    if (!row) return EMPTY_CONFIG_VIEW;
    const switched = confirmed(null);
    const n = await prisma.$transaction(async (tx) => {
      const r = await tx.secretsManagerConfig.updateMany({
        where: { id: row.id, tenantId: scope.tenantId, version: row.version },
        data: { enabled: false, version: { increment: 1 } },
      });
      if (r.count)
        await recordAudit(tx, { ...audit, action: "config.disabled", details: switched ? { switch: switched } : {} });
      // Its secrets index goes with it (turned on again, it scans anew).
      if (r.count) await dropSources(tx as unknown as PrismaClient, { configId: row.id });
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
  const refusal = identityRefusal(parsed.document, who.instanceAdmin);
  if (refusal) throw new KeyholdError("invalid-config", refusal);
  // The tenant comes from the scope, not the caller: every save path (console, REST API, CLI) is held to it.
  const { slug } = await prisma.tenant.findUniqueOrThrow({ where: { id: scope.tenantId }, select: { slug: true } });
  const outside = tenantBoundaryErrors(parsed.document, slug);
  if (outside)
    throw new KeyholdError(
      "invalid-input",
      "The configuration names what this tenant may not use; nothing was saved.",
      outside,
    );
  const switched = confirmed(parsed.document);
  const identity = identityOf(parsed.document).kind;
  const { settings, credentials } = splitCredentials(parsed.document);
  const data = {
    type: toDbType(parsed.document.type),
    enabled: true,
    readOnly: parsed.document["read-only"],
    settings: settings as object,
    credentials: sealCredentials(credentials, scope, parsed.document),
    serverIdentityApprovedBy: identity === "ambient" ? actor : null,
  };
  const replaced = Object.keys(credentials).filter((p) => !(p in kept));
  const details: ConfigChange = {
    changed: row ? diffSettings(row.settings as Record<string, unknown>, settings as Record<string, unknown>) : [],
    credentials: Object.fromEntries(replaced.map((p) => [p, "replaced" as const])),
    type: parsed.document.type,
    readOnly: parsed.document["read-only"],
    identity,
    ...(switched ? { switch: switched } : {}),
  };

  try {
    await prisma.$transaction(async (tx) => {
      if (!row) {
        await tx.secretsManagerConfig.create({
          data: {
            ...data,
            tenantId: scope.tenantId,
            namespaceId: scope.namespaceId,
            scopeKey: scope.scopeKey,
            scope: scope.namespaceId ? "NAMESPACE" : "TENANT",
          },
        });
        await recordAudit(tx, { ...audit, action: "config.created", details });
        await testPause("config-save");
        return;
      }
      const r = await tx.secretsManagerConfig.updateMany({
        where: { id: row.id, tenantId: scope.tenantId, version: row.version },
        data: {
          ...data,
          version: { increment: 1 },
          ...(row.type !== data.type
            ? {
                lastVerifiedAt: null,
                lastVerifyStatus: null,
                lastVerifyMessage: null,
                lastVerifyLatency: null,
                lastVerifyCapabilities: Prisma.DbNull,
              }
            : {}),
        },
      });
      if (!r.count) throw conflict(null);
      // A changed configuration may select other secrets: its index is dropped, the next list scans again.
      await dropSources(tx as unknown as PrismaClient, { configId: row.id });
      const action =
        row.readOnly !== data.readOnly
          ? "config.read-only-toggled"
          : replaced.length && !details.changed.length
            ? "config.credentials-replaced"
            : "config.updated";
      await recordAudit(tx, { ...audit, action, details });
      await testPause("config-save");
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw conflict(null);
    throw error;
  }
  return loadConfigView(prisma, scope);
}
