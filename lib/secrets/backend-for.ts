import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { Attachment, SecretsBackend } from "../backends/adapter";
import { createBackend } from "../backends/adapters";
import { createBuiltinBackend } from "../backends/builtin/adapter";
import { BackendError } from "../backends/backend-error";
import { mergeCredentials, parseConfigDocument, type ConfigDocument, type Credentials } from "../backends/document";
import { globalConfig } from "../config/global";
import { decrypt } from "../crypto";
import { credentialsContext } from "../managers/scope";
import type { TenantRef } from "../server/guard";
import type { EffectiveBackend } from "./effective-backend";

function documentOf(settings: Record<string, unknown>, credentials: Credentials): ConfigDocument {
  const parsed = parseConfigDocument(mergeCredentials(settings, credentials), { unknownKeys: "warn" });
  if (!parsed.ok) {
    throw new BackendError("invalid-config", `The stored configuration is not valid any more: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  }
  return parsed.document;
}

/** Builds the SecretsBackend serving an effective backend: the builtin store, a dedicated manager, or the file's. */
export async function backendFor(prisma: PrismaClient, tenant: TenantRef, effective: EffectiveBackend): Promise<SecretsBackend> {
  const { source } = effective;
  if (source.kind === "builtin") return createBuiltinBackend(prisma, tenant.id);
  if (source.kind === "file") {
    const file = globalConfig().backend;
    if (!file) throw new BackendError("invalid-config", "The configuration file no longer defines a backend.");
    return createBackend({ document: documentOf(file.settings as Record<string, unknown>, file.credentials), attachment: { tenant: null, namespace: null } });
  }
  const row = await prisma.secretsManagerConfig.findFirst({
    where: { id: effective.configId ?? "", tenantId: tenant.id },
    select: { settings: true, credentials: true, scopeKey: true, namespaceId: true },
  });
  if (!row) throw new BackendError("not-found", "The dedicated secrets manager was removed meanwhile; reload the page.");
  const namespace = source.kind === "namespace" ? source.namespace : null;
  const scope = { tenantId: tenant.id, namespaceId: row.namespaceId, namespace, scopeKey: row.scopeKey };
  const credentials = row.credentials ? (JSON.parse(decrypt(row.credentials, credentialsContext(scope))) as Credentials) : {};
  const attachment: Attachment = { tenant: tenant.slug, namespace };
  return createBackend({ document: documentOf(row.settings as Record<string, unknown>, credentials), attachment });
}
