import { getPath } from "./document-path";
import { descriptorOf, type ExternalBackendType } from "./descriptors";

// Pure: which settings of a configuration decide what it sees besides its destinations (each backend's `view.ts`),
// and whether an edit changed one. The switch rule (lib/managers/switch-confirmation.ts) asks it for every save path.

/** Canonical text of a setting: blank as unset, objects with sorted keys (the same tags in another order are equal). */
function canonical(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "string") return v.trim() || null;
  const sorted = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sorted)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(sorted(v));
}

/** A document's settings as stored or saved: `read-only` and the type's section. */
type Viewed = { "read-only"?: unknown } & Record<string, unknown>;

/** The view settings of a document of `type` (paths inside the section, `read-only` where it counts), defaults applied. */
export function viewOf(type: ExternalBackendType, document: Viewed): Record<string, string | null> {
  const { fields, defaults = {}, readOnly } = descriptorOf(type).view;
  const section = document[type];
  const out: Record<string, string | null> = {};
  for (const path of Object.keys(fields)) {
    const value = canonical(getPath(section, path));
    out[path] = value === null && Object.hasOwn(defaults, path) ? canonical(defaults[path]) : value;
  }
  if (readOnly) out["read-only"] = canonical(document["read-only"] === true);
  return out;
}

/** The word forms use for a view setting (`changedView`'s path): "secret path prefix", "read-only mode". */
export function viewWord(type: ExternalBackendType, path: string): string {
  if (path === "read-only") return "read-only mode";
  const { fields } = descriptorOf(type).view;
  return Object.hasOwn(fields, path) ? fields[path] : path;
}

/** Which view settings differ between two documents of one type (paths inside the section, or `read-only`). */
export function changedView(type: ExternalBackendType, before: Viewed, after: Viewed): string[] {
  const a = viewOf(type, before);
  const b = viewOf(type, after);
  return Object.keys(a).filter((p) => a[p] !== b[p]);
}
