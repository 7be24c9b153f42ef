import "server-only";
import { createHash } from "node:crypto";
import type { PrismaClient } from "../db/generated/client";
import { BackendError } from "../backends/backend-error";
import { destinationOf, identityOf } from "../backends/destination";
import type { ConfigDocument, Credentials } from "../backends/document";
import { decrypt, encrypt } from "../crypto";
import { DecryptionError } from "../crypto/envelope";
import { logger } from "../log";
import { serverIdentityAllowed } from "../settings";
import type { ResolvedScope } from "./scope";
import { fromDbType } from "../backends/descriptors";

/** The backend type and the destination fields of a stored or submitted configuration. */
type Destined = Pick<ConfigDocument, "type"> & Record<string, unknown>;

function digestOf(config: Destined): string {
  const destination = destinationOf(config.type, config[config.type]);
  const canonical = JSON.stringify([
    config.type,
    Object.keys(destination)
      .sort()
      .map((k) => [k, destination[k]]),
  ]);
  return createHash("sha256").update(canonical).digest("base64url");
}

/**
 * Associated data of a credentials envelope: its tenant, its scope and a digest of its destination, so a
 * ciphertext copied to another row, or left in a row whose address was changed, does not decrypt.
 */
export function credentialsContext(scope: ResolvedScope, config: Destined): string {
  return `secrets-manager-config:v2:${scope.tenantId}:${scope.scopeKey}:${digestOf(config)}`;
}

/** The context envelopes were sealed with before they were bound to a destination. */
function legacyContext(scope: ResolvedScope): string {
  return `secrets-manager-config:${scope.tenantId}:${scope.scopeKey}`;
}

export function sealCredentials(credentials: Credentials, scope: ResolvedScope, config: Destined): string | null {
  return Object.keys(credentials).length
    ? encrypt(JSON.stringify(credentials), credentialsContext(scope, config))
    : null;
}

/** Opens a stored envelope for the destination its row names now; a changed destination cannot be opened. */
export function openCredentials(envelope: string, scope: ResolvedScope, config: Destined): Credentials {
  try {
    return JSON.parse(decrypt(envelope, credentialsContext(scope, config))) as Credentials;
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw new BackendError(
      "invalid-config",
      "The stored credentials were saved for another destination (address, endpoint, vault, project, namespace or CA) or cannot be decrypted with the configured keys: enter them again in the settings.",
    );
  }
}

/**
 * Why a configuration may not use the identity it would authenticate with, or null when it may. The server's own
 * identity (an SDK default chain) is for the configuration file, and for dedicated managers only when the instance
 * allows it and an instance administrator saved (or now saves or tries) the configuration.
 */
export function identityRefusal(document: ConfigDocument, approvedByInstanceAdmin: boolean): string | null {
  const identity = identityOf(document);
  if (identity.kind !== "ambient") return null;
  if (!serverIdentityAllowed()) {
    return `Without credentials this configuration would use ${identity.label}, which dedicated managers may not use on this instance. Choose an auth method with credentials.`;
  }
  if (!approvedByInstanceAdmin) {
    return `Without credentials this configuration would use ${identity.label}; only an instance administrator may save or try such a configuration.`;
  }
  return null;
}

/**
 * Re-seals envelopes written before destination binding, once, at start-up. Safe with several instances: each row
 * is updated only while it still holds the envelope that was read.
 */
export async function rebindLegacyCredentials(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.secretsManagerConfig.findMany({
    where: { credentials: { not: null } },
    select: {
      id: true,
      tenantId: true,
      namespaceId: true,
      scopeKey: true,
      type: true,
      settings: true,
      credentials: true,
    },
  });
  let rebound = 0;
  for (const row of rows) {
    const scope = { tenantId: row.tenantId, namespaceId: row.namespaceId, namespace: null, scopeKey: row.scopeKey };
    const config = { ...(row.settings as Record<string, unknown>), type: fromDbType(row.type) } as Destined;
    try {
      decrypt(row.credentials!, credentialsContext(scope, config));
      continue;
    } catch {
      // Not bound yet (or unreadable): try the legacy context below.
    }
    let plaintext: string;
    try {
      plaintext = decrypt(row.credentials!, legacyContext(scope));
    } catch {
      continue; // Neither: left as it is, and reported as unreadable where it is used.
    }
    const r = await prisma.secretsManagerConfig.updateMany({
      where: { id: row.id, credentials: row.credentials },
      data: { credentials: encrypt(plaintext, credentialsContext(scope, config)) },
    });
    rebound += r.count;
  }
  if (rebound) logger.info({ rows: rebound }, "bound stored credentials to their destinations");
  return rebound;
}
