import type { Attachment, IgnoreReason } from "./adapter";
import type { SecretLifecycle } from "../secrets/index/entry";

/** A secret as the backend lists it: its own name and its tags (GCP: labels merged with annotations). */
export interface RawSecret {
  name: string;
  tags: Record<string, string>;
  description: string | null;
  updatedAt: Date | null;
  /** Age, rotation and expiry from the backend's metadata (lib/secrets/index/entry.ts). */
  lifecycle?: SecretLifecycle;
}

/** The selection rules of a tagged backend (AWS, Azure, Google), from its configuration. */
export interface SelectionRules {
  /** The `prefix` tag value secrets must carry in tag mode (default `kestra`). */
  prefix: string;
  filterOnTags?: Record<string, string>;
  excludedTags?: Record<string, string>;
  filterOnPrefix?: { prefix: string; keepPrefix: boolean };
  attachment: Attachment;
}

export interface Selected {
  ok: true;
  key: string;
  /** null: the secret belongs to the attachment scope. */
  namespace: string | null;
  /** The `tenant` tag, when the secret carries one. */
  tenant: string | null;
}

export type Classification = Selected | { ok: false; reason: IgnoreReason };

/** Keys of secrets: what `{{ secret('KEY') }}` accepts. Slashes allow Vault's nested entries. */
export const SECRET_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]{0,254}$/;

export function isValidSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key) && !key.split("/").some((s) => s === "" || s === "." || s === "..");
}

const carries = (tags: Record<string, string>, pairs: Record<string, string>) =>
  Object.entries(pairs).some(([k, v]) => tags[k] === v);
const carriesAll = (tags: Record<string, string>, pairs: Record<string, string>) =>
  Object.entries(pairs).every(([k, v]) => tags[k] === v);

/**
 * Decides whether a backend secret is shown and under which key and namespace. Backends match tag
 * filters by prefix at best, so the exact pair check always happens here.
 */
export function classify(raw: RawSecret, rules: SelectionRules): Classification {
  const tags = raw.tags ?? {};
  if (rules.excludedTags && carries(tags, rules.excludedTags)) return { ok: false, reason: "excluded-by-tags" };
  if (rules.filterOnTags && !carriesAll(tags, rules.filterOnTags)) return { ok: false, reason: "filtered-by-tags" };
  const tenant = tags.tenant ?? null;
  if (tenant !== null && rules.attachment.tenant !== null && tenant !== rules.attachment.tenant)
    return { ok: false, reason: "other-tenant" };

  let key: string;
  let namespace: string | null;
  if (rules.filterOnPrefix) {
    const { prefix, keepPrefix } = rules.filterOnPrefix;
    if (!raw.name.startsWith(prefix)) return { ok: false, reason: "name-prefix-mismatch" };
    key = keepPrefix ? raw.name : raw.name.slice(prefix.length);
    namespace = tags.namespace ?? null;
  } else {
    if (tags.prefix === undefined) return { ok: false, reason: "missing-prefix-tag" };
    if (tags.prefix !== rules.prefix) return { ok: false, reason: "prefix-mismatch" };
    if (tags.namespace === undefined) return { ok: false, reason: "missing-namespace-tag" };
    if (tags.key === undefined) return { ok: false, reason: "missing-key-tag" };
    key = tags.key;
    namespace = tags.namespace;
  }
  if (!isValidSecretKey(key)) return { ok: false, reason: "invalid-key" };
  return { ok: true, key, namespace, tenant };
}

/**
 * Whether a selected secret is one of namespace `namespace`'s own secrets for tenant `tenant`.
 * Secrets without a namespace belong to the attachment scope: its namespace, or every namespace
 * when attached to a tenant or the configuration file.
 */
export function ownedBy(selected: Selected, attachment: Attachment, tenant: string, namespace: string): boolean {
  if (selected.tenant !== null && selected.tenant !== tenant) return false;
  if (selected.namespace !== null) return selected.namespace === namespace;
  return attachment.namespace === null || attachment.namespace === namespace;
}

/** The tags Keyhold writes on a secret it manages, besides the configuration's default tags. */
export function managedTags(
  input: { tenant: string; namespace: string; key: string; prefix: string },
  defaults: Record<string, string> = {},
  own: Record<string, string> = {},
): Record<string, string> {
  return {
    ...defaults,
    ...own,
    tenant: input.tenant,
    namespace: input.namespace,
    key: input.key,
    prefix: input.prefix,
  };
}
