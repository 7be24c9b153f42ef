import type { EgressPolicy } from "../net/egress";
import type { ConfigDocument } from "./document";
import type { BackendType } from "./descriptors";

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

/** One row of a list: never a value. */
export interface SecretSummary {
  key: string;
  /** The namespace the secret belongs to; null when it belongs to the whole attachment scope (tenant or file). */
  namespace: string | null;
  description: string | null;
  tags: Record<string, string>;
  /**
   * Field names of Vault entries, keys of JSON object values, when known without reading the value (Vault KV v2's
   * subkeys endpoint); null when only the value knows them (`SecretsBackend.subkeys` reads it on demand).
   */
  subkeys: string[] | null;
  backend: BackendType;
  updatedAt: string | null;
}

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

export interface ListQuery {
  tenant: string;
  /** The namespace whose own secrets are listed; inheritance is resolved above the adapter. */
  namespace: string;
  /** Case-insensitive substring of the key or of a tag written `key=value` (so of a tag key or value too); see search.ts. */
  search?: string;
  cursor?: string | null;
  /** Default 50, at most 500. */
  pageSize?: number;
  /** Only these keys (exact), e.g. to find one secret without paging. */
  keys?: string[];
  /** Ask the backend again instead of using the list kept for a few seconds. */
  refresh?: boolean;
}

export interface SecretPage {
  items: SecretSummary[];
  nextCursor: string | null;
  /** Number of visible secrets matching the query (all pages). */
  total: number;
  /** Backend secrets the rules skipped, by reason (for the whole backend, not just this page). */
  ignored: Partial<Record<IgnoreReason, number>>;
}

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
}

export interface VerifyResult {
  status: "ok";
  latencyMs: number;
  /** What was checked, in words: "listed secrets in eu-west-1", "read mount secret/ (kv v2)". */
  checked: string;
}

/**
 * How a backend learns subkey names without showing a value (its descriptor's `capabilities.subkeys`):
 * `metadata`, from metadata that holds no value (`describe`, for the rows shown); `on-demand`, only by
 * reading the secret (`subkeys`), when someone asks for one row.
 */
export type SubkeySource = "metadata" | "on-demand";

/** What `describe` knows of one listed secret without reading its value. */
export interface SecretDetails {
  key: string;
  description: string | null;
  tags: Record<string, string>;
  updatedAt: string | null;
  /** null: only the value knows them (a Keyhold-shaped Vault entry whose `value` holds JSON). */
  subkeys: string[] | null;
}

/** The one interface every secrets backend implements; the UI and actions never branch on the type. */
export interface SecretsBackend {
  readonly type: BackendType;
  readonly readOnly: boolean;
  /** Read from the type's descriptor for this configuration: whether `describe` can tell subkeys. */
  readonly subkeySource: SubkeySource;
  /** Never reads a value: rows carry what the backend's listing says (subkeys null unless it says them). */
  list(query: ListQuery): Promise<SecretPage>;
  /**
   * Metadata the listing leaves out, for the rows shown, from metadata endpoints only (Vault KV v2: one
   * `subkeys` request per key). Never reads a value; keys it cannot find are left out.
   */
  describe(query: { tenant: string; namespace: string; keys: string[] }): Promise<SecretDetails[]>;
  /** The subkey names of one secret, by reading it: one value read, the value never leaves the adapter. */
  subkeys(ref: SecretRef): Promise<string[]>;
  /** The value (or one subkey of it), for the server only: expression checks, never the browser. */
  read(ref: SecretRef, subkey?: string): Promise<string>;
  write(input: WriteInput): Promise<void>;
  update(input: UpdateInput): Promise<void>;
  delete(ref: SecretRef): Promise<void>;
  verify(): Promise<VerifyResult>;
}
