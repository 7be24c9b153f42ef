import "server-only";
import { BackendError } from "../backend-error";
import { isValidSecretKey } from "../classify";

export type KvVersion = 1 | 2;

/** Where Keyhold looks inside Vault: the KV mount, its version and the optional path prefix (relative to the mount). */
export interface KvLayout {
  engine: string;
  version: KvVersion;
  prefix?: string;
}

/** Joins path pieces with '/', dropping empty ones and stray slashes at their ends. */
export function joinPath(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/^\/+|\/+$/g, ""))
    .filter(Boolean)
    .join("/");
}

// Each segment is encoded so that a name Vault accepts but a URL does not (`?`, `#`, `%`) cannot change the request.
const encode = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/** The API path that reads or writes an entry's data (`secret/data/app/db`, KV v1 `kv/app/db`). */
export function dataPath(layout: KvLayout, rel: string): string {
  return encode(layout.version === 2 ? joinPath(layout.engine, "data", rel) : joinPath(layout.engine, rel));
}

/** KV v2 only: the API path of an entry's metadata (versions, custom_metadata). */
export function metadataPath(layout: KvLayout, rel: string): string {
  return encode(joinPath(layout.engine, "metadata", rel));
}

/** KV v2 only: an entry's structure with every value replaced by null, and its version's metadata; depth 1 keeps top-level names only. */
export function subkeysPath(layout: KvLayout, rel: string): string {
  return `${encode(joinPath(layout.engine, "subkeys", rel))}?depth=1`;
}

/** The API path that LISTs a folder (trailing slash kept: `secret/metadata/app/`, KV v1 `kv/app/`). */
export function listPath(layout: KvLayout, relFolder: string): string {
  return `${encode(layout.version === 2 ? joinPath(layout.engine, "metadata", relFolder) : joinPath(layout.engine, relFolder))}/`;
}

/** A LIST answer split into entries (secrets) and folders (names without their trailing '/'). */
export function splitListing(keys: unknown): { entries: string[]; folders: string[] } {
  const names = Array.isArray(keys)
    ? keys.filter((k): k is string => typeof k === "string" && k !== "" && k !== "/")
    : [];
  return {
    entries: names.filter((k) => !k.endsWith("/")),
    folders: names.filter((k) => k.endsWith("/")).map((k) => k.slice(0, -1)),
  };
}

/** Read-only mode: the entry of key `db` or `team/api` under the prefix. */
export function readOnlyEntry(layout: KvLayout, key: string): string {
  return joinPath(layout.prefix, key);
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** Managed mode: the folder of a namespace, `[prefix/]TENANT/NS_PARENT/…/NS_CHILD`. */
export function managedFolder(layout: KvLayout, tenant: string, namespace: string): string {
  const segments = [tenant, ...namespace.split(".")];
  if (!segments.every((s) => SEGMENT.test(s))) {
    throw new BackendError(
      "invalid-input",
      `Tenant '${tenant}' and namespace '${namespace}' must consist of letters, digits, '_' and '-' to name a Vault path.`,
    );
  }
  return joinPath(layout.prefix, ...segments);
}

/** A key Keyhold may write as a Vault entry: a '/' would make a folder, which managed mode reads as a child namespace. */
export function isManagedKey(key: string): boolean {
  return isValidSecretKey(key) && !key.includes("/");
}

/** Managed mode: the entry of a key, `[prefix/]TENANT/NS…/KEY`. */
export function managedEntry(layout: KvLayout, tenant: string, namespace: string, key: string): string {
  return joinPath(managedFolder(layout, tenant, namespace), key);
}
