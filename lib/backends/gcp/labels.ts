import "server-only";
import { BackendError } from "../backend-error";
import type { SelectionRules } from "../classify";

/**
 * How Keyhold tags live on a Secret Manager secret. Labels only take lowercase letters, digits, `_`
 * and `-` (keys start with a letter, both at most 63 characters), so `namespace=company.team` or
 * `key=API_KEY` cannot be labels. Every tag is therefore stored as an annotation with its exact value,
 * and also as a label when both key and value fit label rules, so that a list `filter` can use it.
 * Reading merges labels with annotations; on the same key the annotation wins.
 */

/** The annotation that holds the description; it is not a tag. */
export const DESCRIPTION_ANNOTATION = "keyhold-description";

// Label rules restricted to ASCII: the service also accepts other lowercase letters, list filters are simpler without them.
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
// Annotation keys: 1-63 characters, letters or digits at both ends, '-', '_' and '.' in between.
const ANNOTATION_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
// The service wants the keys and values of all annotations to total less than 16 KiB.
const MAX_ANNOTATION_BYTES = 16 * 1024;

export function isLabelSafe(key: string, value: string): boolean {
  return LABEL_KEY.test(key) && LABEL_VALUE.test(value);
}

export interface SecretMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The labels and annotations Keyhold writes for a set of tags and a description. */
export function metadataFor(tags: Record<string, string>, description: string | null): SecretMetadata {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key === DESCRIPTION_ANNOTATION)
      throw new BackendError(
        "invalid-input",
        `The tag key '${key}' is reserved for the description in Google Secret Manager.`,
      );
    if (!ANNOTATION_KEY.test(key)) {
      throw new BackendError(
        "invalid-input",
        `The tag key '${key}' cannot be stored in Google Secret Manager: keys are 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`,
      );
    }
    annotations[key] = value;
    if (isLabelSafe(key, value)) labels[key] = value;
  }
  if (description) annotations[DESCRIPTION_ANNOTATION] = description;
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size >= MAX_ANNOTATION_BYTES) {
    throw new BackendError(
      "invalid-input",
      `Tags and description take ${size} bytes; Google Secret Manager keeps less than 16 KiB of annotations per secret.`,
    );
  }
  return { labels, annotations };
}

/** Tags and description as Keyhold reads them back from any secret. */
export function tagsOf(
  labels: Record<string, string> | null | undefined,
  annotations: Record<string, string> | null | undefined,
): { tags: Record<string, string>; description: string | null } {
  const merged: Record<string, string> = { ...(labels ?? {}), ...(annotations ?? {}) };
  const description = annotations?.[DESCRIPTION_ANNOTATION] || null;
  delete merged[DESCRIPTION_ANNOTATION];
  return { tags: merged, description };
}

const quoted = (v: string) => `"${v}"`;

/**
 * The ListSecrets `filter` that narrows a scan, or null to read the whole project. Read-only mode
 * reads everything, because it reports how many secrets it ignored and why; managed mode only needs
 * the secrets it wrote, which carry the prefix label. Keyhold re-checks every result exactly
 * (classify), so a server that ignores filters (localgcp) gives the same list.
 */
export function serverFilter(rules: SelectionRules, readOnly: boolean): string | null {
  if (readOnly) return null;
  const terms: string[] = [];
  if (rules.filterOnPrefix) {
    // `name:` matches a substring of the name; the prefix check happens in classify.
    if (/^[A-Za-z0-9_-]+$/.test(rules.filterOnPrefix.prefix)) terms.push(`name:${rules.filterOnPrefix.prefix}`);
  } else if (isLabelSafe("prefix", rules.prefix)) {
    terms.push(`labels.prefix=${quoted(rules.prefix)}`);
  }
  for (const [key, value] of Object.entries(rules.filterOnTags ?? {})) {
    if (isLabelSafe(key, value)) terms.push(`labels.${key}=${quoted(value)}`);
  }
  return terms.length ? terms.join(" AND ") : null;
}
