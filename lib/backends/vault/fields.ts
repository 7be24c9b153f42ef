import "server-only";
import { BackendError } from "../backend-error";
import { subkeysOf, valueOrSubkey } from "../subkeys";

/** The field Keyhold writes its value to; read(key) without subkey prefers it. */
export const VALUE_FIELD = "value";
/** The custom_metadata key that holds a managed secret's description; every other key is a tag. */
export const DESCRIPTION_KEY = "description";

export type Fields = Record<string, unknown>;

const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const isKeyholdShaped = (fields: Fields) => {
  const names = Object.keys(fields);
  return names.length === 1 && names[0] === VALUE_FIELD;
};

/**
 * Subkey names of an entry: its field names, or, for an entry holding only `value` (what Keyhold
 * writes), the keys of that value's JSON object, as for JSON secrets of the other backends.
 */
export function subkeysOfFields(fields: Fields): string[] {
  if (isKeyholdShaped(fields)) return subkeysOf(text(fields[VALUE_FIELD]));
  return Object.keys(fields).sort();
}

/**
 * Subkey names from field names alone (KV v2's subkeys endpoint): null for a Keyhold-shaped entry, whose
 * names are inside its `value`, so only a read tells them.
 */
export function subkeysOfFieldNames(names: string[]): string[] | null {
  return names.length === 1 && names[0] === VALUE_FIELD ? null : [...names].sort();
}

/**
 * What `{{ secret(key) }}` / `{{ secret(key, subkey=…) }}` returns for an entry: the field, or
 * without subkey the `value` field, else the only field, else an error naming the subkeys.
 */
export function readField(key: string, fields: Fields, subkey?: string): string {
  const names = Object.keys(fields);
  if (subkey !== undefined) {
    if (Object.hasOwn(fields, subkey)) return text(fields[subkey]);
    if (isKeyholdShaped(fields)) return valueOrSubkey(key, text(fields[VALUE_FIELD]), subkey);
    throw new BackendError("not-found", `Cannot find secret sub-key '${subkey}' in secret '${key}'.`);
  }
  if (Object.hasOwn(fields, VALUE_FIELD)) return text(fields[VALUE_FIELD]);
  if (names.length === 1) return text(fields[names[0]]);
  if (names.length === 0) throw new BackendError("not-found", `Cannot find secret for key '${key}'.`);
  const sorted = [...names].sort();
  throw new BackendError(
    "invalid-input",
    `Secret '${key}' has ${sorted.length} sub-keys (${sorted.join(", ")}); choose one with subkey=, e.g. {{ secret('${key}', subkey='${sorted[0]}') }}.`,
  );
}

/** Description and tags from KV v2 custom_metadata. */
export function metaFromCustom(custom: unknown): { description: string | null; tags: Record<string, string> } {
  const tags: Record<string, string> = {};
  let description: string | null = null;
  if (custom && typeof custom === "object") {
    for (const [k, v] of Object.entries(custom as Record<string, unknown>)) {
      if (typeof v !== "string") continue;
      if (k === DESCRIPTION_KEY) description = v;
      else tags[k] = v;
    }
  }
  return { description, tags };
}

// Vault's limits on custom_metadata, checked before anything is written so that a create is never half done.
const MAX_CUSTOM_KEYS = 64;
const MAX_CUSTOM_KEY_BYTES = 128;
const MAX_CUSTOM_VALUE_BYTES = 512;

/** KV v2 custom_metadata for a description and tags; a tag named `description` would be lost, so it is refused. */
export function customFromMeta(
  description: string | null | undefined,
  tags: Record<string, string> = {},
): Record<string, string> {
  const refuse = (why: string) => new BackendError("invalid-input", `Vault cannot keep these tags: ${why}.`);
  if (Object.hasOwn(tags, DESCRIPTION_KEY)) {
    throw new BackendError(
      "invalid-input",
      `The tag name '${DESCRIPTION_KEY}' is reserved in Vault: Keyhold keeps the description under it.`,
    );
  }
  const custom = { ...tags, ...(description ? { [DESCRIPTION_KEY]: description } : {}) };
  if (Object.keys(custom).length > MAX_CUSTOM_KEYS)
    throw refuse(`at most ${MAX_CUSTOM_KEYS} tags and description together`);
  for (const [k, v] of Object.entries(custom)) {
    if (Buffer.byteLength(k) > MAX_CUSTOM_KEY_BYTES)
      throw refuse(`tag name '${k.slice(0, 40)}…' is longer than ${MAX_CUSTOM_KEY_BYTES} bytes`);
    if (v === "") throw refuse(`tag '${k}' has an empty value, which Vault custom metadata does not allow`);
    if (Buffer.byteLength(v) > MAX_CUSTOM_VALUE_BYTES)
      throw refuse(`the value of '${k}' is longer than ${MAX_CUSTOM_VALUE_BYTES} bytes`);
  }
  return custom;
}
