import "server-only";
import { BackendError } from "./backend-error";

/** Subkey names of a value: the keys of a JSON object, none otherwise. */
export function subkeysOf(value: string): string[] {
  const trimmed = value.trim();
  if (!trimmed.startsWith("{")) return [];
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed).sort() : [];
  } catch {
    return [];
  }
}

/** The value, or one subkey of its JSON, with the semantics page's exact error sentences. */
export function valueOrSubkey(key: string, value: string, subkey?: string): string {
  if (subkey === undefined) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BackendError(
      "invalid-input",
      `Failed to read secret sub-key '${subkey}' in secret '${key}'. Ensure the secret contains valid JSON value.`,
    );
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BackendError(
      "invalid-input",
      `Failed to read secret sub-key '${subkey}' in secret '${key}'. Ensure the secret contains valid JSON value.`,
    );
  }
  // Own keys only: `constructor` or `__proto__` are not subkeys of `{}`.
  const field = Object.hasOwn(parsed, subkey) ? (parsed as Record<string, unknown>)[subkey] : undefined;
  if (field === undefined)
    throw new BackendError("not-found", `Cannot find secret sub-key '${subkey}' in secret '${key}'.`);
  return typeof field === "string" ? field : JSON.stringify(field);
}
