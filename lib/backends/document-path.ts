// Dotted paths ("vault.token.token") into plain objects: configuration documents, form sections, credential maps.
// Pure and client-safe. Own properties only, so a key like `__proto__` or `constructor` reads nothing and writes
// an own property instead of reaching a prototype.

export type DottedPath = string | readonly string[];

/** The keys of a dotted path; the empty path has none. */
export const pathKeys = (path: DottedPath): string[] =>
  typeof path === "string" ? (path === "" ? [] : path.split(".")) : [...path];

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object";

/** The value at `path`, through own properties only; undefined where any step is missing or not an object. */
export function getPath(obj: unknown, path: DottedPath): unknown {
  let cursor = obj;
  for (const key of pathKeys(path)) {
    if (!isObject(cursor) || !Object.hasOwn(cursor, key)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}

const define = (obj: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });

/** Sets the value at `path`, replacing missing or non-object steps with new objects. */
export function setPath(obj: Record<string, unknown>, path: DottedPath, value: unknown): void {
  const keys = pathKeys(path);
  if (!keys.length) return;
  let cursor = obj;
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(cursor, key) || !isObject(cursor[key])) define(cursor, key, {});
    cursor = cursor[key] as Record<string, unknown>;
  }
  define(cursor, keys[keys.length - 1], value);
}

/** Removes the own property at `path`; nothing happens where the path does not exist. */
export function deletePath(obj: unknown, path: DottedPath): void {
  const keys = pathKeys(path);
  if (!keys.length) return;
  const parent = getPath(obj, keys.slice(0, -1));
  const last = keys[keys.length - 1];
  if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
}
