import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { Attachment, SecretsBackend } from "../backends/adapter";
import { createBackend } from "../backends/registry";
import { createBuiltinBackend } from "../backends/builtin/adapter";
import { BackendError } from "../backends/backend-error";
import { mergeCredentials, parseConfigDocument, type ConfigDocument, type Credentials } from "../backends/document";
import { globalConfig } from "../config/global";
import { identityRefusal, openCredentials } from "../managers/credential-binding";
import type { TenantRef } from "../tenancy/tenant-ref";
import { fromDbType } from "../backends/descriptors";
import { instanceEgressPolicy } from "../net/egress-settings";
import type { EffectiveBackend } from "./effective-backend";

function documentOf(settings: Record<string, unknown>, credentials: Credentials): ConfigDocument {
  const parsed = parseConfigDocument(mergeCredentials(settings, credentials), { unknownKeys: "warn" });
  if (!parsed.ok) {
    throw new BackendError(
      "invalid-config",
      `The stored configuration is not valid any more: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
    );
  }
  return parsed.document;
}

/** Builds the SecretsBackend serving an effective backend: the builtin store, a dedicated manager, or the file's. */
export async function backendFor(
  prisma: PrismaClient,
  tenant: TenantRef,
  effective: EffectiveBackend,
): Promise<SecretsBackend> {
  const { source } = effective;
  if (source.kind === "builtin") return createBuiltinBackend(prisma, tenant.id);
  if (source.kind === "file") {
    const file = globalConfig().backend;
    if (!file) throw new BackendError("invalid-config", "The configuration file no longer defines a backend.");
    return createBackend({
      document: documentOf(file.settings as Record<string, unknown>, file.credentials),
      attachment: { tenant: null, namespace: null },
    });
  }
  const row = await prisma.secretsManagerConfig.findFirst({
    where: { id: effective.configId ?? "", tenantId: tenant.id },
    select: {
      type: true,
      settings: true,
      credentials: true,
      scopeKey: true,
      namespaceId: true,
      serverIdentityApprovedBy: true,
    },
  });
  if (!row)
    throw new BackendError("not-found", "The dedicated secrets manager was removed meanwhile; reload the page.");
  const namespace = source.kind === "namespace" ? source.namespace : null;
  const scope = { tenantId: tenant.id, namespaceId: row.namespaceId, namespace, scopeKey: row.scopeKey };
  const settings = row.settings as Record<string, unknown>;
  // Opens only for the destination the row names now: an address changed behind Keyhold's back makes this fail.
  const credentials = row.credentials
    ? openCredentials(row.credentials, scope, { ...settings, type: fromDbType(row.type) } as ConfigDocument)
    : {};
  const document = documentOf(settings, credentials);
  const refusal = identityRefusal(document, !!row.serverIdentityApprovedBy);
  if (refusal) throw new BackendError("invalid-config", refusal);
  const attachment: Attachment = { tenant: tenant.slug, namespace };
  return createBackend({ document, attachment, egress: instanceEgressPolicy() });
}
