import type { EgressPolicy } from "../net/egress";
import type { ConfigDocument } from "./document";
import type { BackendType } from "./descriptors";
import type { SoftDelete } from "./soft-delete";
import type { CapabilityReport } from "./capabilities";

/**
 * Where a configuration is attached. Secrets that carry no namespace of their own (read-only Vault
 * entries, prefix-mode secrets without a `namespace` tag) belong to this scope.
 */
export interface Attachment {
  /** null for the configuration file: it serves every tenant. */
  tenant: string | null;
  /** null when attached to a whole tenant (or the file). */
  namespace: string | null;
}

/** Everything an adapter is built from: the validated document with its credentials merged back in. */
export interface BackendContext {
  document: ConfigDocument;
  attachment: Attachment;
  /** Per-call timeout in milliseconds (default 5,000 for verify, 15,000 for other calls). */
  timeoutMs?: number;
  /**
   * The egress policy every connection must pass (dedicated managers and unsaved forms). Absent means
   * trusted: the configuration file's backend, and adapter tests against their emulators.
   */
  egress?: EgressPolicy;
}

/** One backend secret as a scan classifies it (metadata only, never a value): what the secrets index stores. */
export type { IndexedSecret } from "../secrets/index/entry";
import type { IndexedSecret } from "../secrets/index/entry";

export const IGNORE_REASONS = {
  "missing-namespace-tag": "no 'namespace' tag",
  "missing-key-tag": "no 'key' tag",
  "missing-prefix-tag": "no 'prefix' tag",
  "prefix-mismatch": "'prefix' tag differs from the configured prefix",
  "other-tenant": "'tenant' tag names another tenant",
  "filtered-by-tags": "does not carry every filter-on-tags pair",
  "excluded-by-tags": "carries an excluded tag",
  "name-prefix-mismatch": "name does not start with filter-on-prefix",
  "invalid-key": "key is not a valid secret key",
} as const;

export type IgnoreReason = keyof typeof IGNORE_REASONS;

export interface WriteInput {
  tenant: string;
  namespace: string;
  key: string;
  value: string;
  description?: string | null;
  tags?: Record<string, string>;
}

export interface UpdateInput {
  tenant: string;
  namespace: string;
  key: string;
  /** Absent: the value is left as it is. */
  value?: string;
  description?: string | null;
  tags?: Record<string, string>;
}

export interface SecretRef {
  tenant: string;
  namespace: string;
  key: string;
  /**
   * The secret as the index found it (its backend name, own namespace and tenant tag), so that an adapter whose
   * names are not derived from the key (tagged read-only and prefix modes) need not scan to find it. Absent: the
   * adapter finds the secret itself.
   */
  found?: { backendName: string; namespace: string | null; tenantTag: string | null };
}

/** A secret's latest version as its metadata tells it (no value). */
export interface LatestVersion {
  version: string;
  createdAt: Date | null;
}

export interface VerifyResult {
  status: "ok";
  latencyMs: number;
  /** What was checked, in words: "listed secrets in eu-west-1", "read mount secret/ (kv v2)". */
  checked: string;
  /** What the credential can do, operation by operation (lib/backends/capabilities.ts); never a value. */
  capabilities?: CapabilityReport;
}

/**
 * How a backend learns subkey names without showing a value (its descriptor's `capabilities.subkeys`):
 * `metadata`, from metadata that holds no value (the scan asks for them: Vault KV v2's subkeys endpoint);
 * `on-demand`, only by reading the secret (`subkeys`), when someone asks for one row.
 */
export type SubkeySource = "metadata" | "on-demand";

/** The one interface every secrets backend implements; the UI and actions never branch on the type. */
export interface SecretsBackend {
  readonly type: BackendType;
  readonly readOnly: boolean;
  /** Read from the type's descriptor for this configuration: whether the scan tells subkeys. */
  readonly subkeySource: SubkeySource;
  /**
   * Every secret the configuration can see, classified (ignored ones with their reason), in backend pages: the
   * secrets index (lib/secrets/index) stores them and serves every list. Never reads a value. A scan that would
   * pass KEYHOLD_MAX_LIST_PAGES backend pages throws `too-many-secrets`.
   */
  scan(): AsyncIterable<IndexedSecret[]>;
  /** The subkey names of one secret, by reading it: one value read, the value never leaves the adapter. */
  subkeys(ref: SecretRef): Promise<string[]>;
  /**
   * Present where the list does not tell a secret's latest version (Google: ListSecrets has none): its number and
   * creation time from the version's metadata (GetSecretVersion), never its value. null: the secret has no version.
   */
  latestVersion?(ref: SecretRef): Promise<LatestVersion | null>;
  /** The value (or one subkey of it), for the server only: expression checks, never the browser. */
  read(ref: SecretRef, subkey?: string): Promise<string>;
  /** Creates the secret; answers its index entry (write-through). */
  write(input: WriteInput): Promise<IndexedSecret>;
  /** Changes the secret; answers its index entry (write-through). */
  update(input: UpdateInput & Pick<SecretRef, "found">): Promise<IndexedSecret>;
  /** Deletes the secret; answers its backend name (write-through). */
  delete(ref: SecretRef): Promise<{ backendName: string }>;
  verify(): Promise<VerifyResult>;
  /** Present when the backend keeps deleted secrets recoverable (Azure Key Vault): list, recover and purge them. */
  softDelete?: SoftDelete;
}
