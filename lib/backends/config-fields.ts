import { z } from "zod";
import { isSafeKey, plain } from "../input/plain-text";

// Building blocks shared by the per-backend configuration schemas. Every string has a length limit.

/** A valid but incomplete setting (path inside the section): a warning in the configuration file, an error in forms. */
export interface SectionIssue {
  path: string[];
  /** The error a form shows: the setting is required there. */
  message: string;
  /** The configuration file's warning: what happens without the setting, since the file still loads. */
  warning: string;
}

/**
 * Whose identity a configuration authenticates with: what it holds, the server's own (an SDK default
 * chain: allowed only where the instance permits it), or none at all (plaintext test endpoints).
 */
export interface Identity {
  kind: "configured" | "ambient" | "none";
  /** For the settings page: "the access key below", "the server's own AWS identity …". */
  label: string;
}

/** Missing keys read "Required", like empty ones, so forms and the configuration file say the same. */
export const requiredString = () =>
  z.string({ error: (iss) => (iss.input === undefined ? "Required" : "Must be text") });

export const text = (max = 255) =>
  plain(requiredString().trim().min(1, "Required").max(max, `At most ${max} characters`));

export const optionalText = (max = 255) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), text(max).optional());

// `new URL` drops tabs and line breaks and escapes NUL, so the raw text is checked first.
export const url = plain(requiredString().trim().max(2048)).refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}, "Must be an http:// or https:// URL");

export const optionalUrl = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  url.optional(),
);

const tagKey = plain(
  z.string().trim().min(1, "Tag key is required").max(128, "Tag keys are at most 128 characters"),
).refine(isSafeKey, "This tag key is reserved");
const tagValue = plain(z.string().max(256, "Tag values are at most 256 characters"));

/** A map of tag key to value; YAML numbers and booleans are accepted and kept as text. */
export const tagMap = z
  .record(tagKey, z.union([tagValue, z.number(), z.boolean()]).transform(String))
  .refine((m) => Object.keys(m).length <= 50, "At most 50 tags");

/** A boolean that also accepts "true"/"false" text, as `${ENV}` references in the configuration file produce. */
export const flag = (fallback: boolean) =>
  z
    .preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "Must be true or false" }))
    .default(fallback);

export const filterOnTags = z.strictObject({ tags: tagMap });

/** `excluded-tags` accepts `{ tags: {...} }` like filter-on-tags, or the map itself. */
export const excludedTags = z.preprocess(
  (v) => (v && typeof v === "object" && !Array.isArray(v) && !("tags" in v) ? { tags: v } : v),
  z.strictObject({ tags: tagMap }),
);

export const filterOnPrefix = z.strictObject({
  prefix: text(255),
  "keep-prefix": flag(false),
});

/** The prefix of a tagged backend when none is configured (Kestra's own default). */
export const DEFAULT_PREFIX = "kestra";

/** Marker prefix written as the `prefix` tag in managed mode and required when reading. */
export const managedPrefix = z
  .string()
  .trim()
  .min(1, "Required")
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "Letters, digits, '.', '_' and '-' only")
  .default(DEFAULT_PREFIX);

/** The filters and tagging options of the cloud backends (AWS, Azure, Google). */
export const cloudCommon = {
  prefix: managedPrefix,
  tags: tagMap.optional(),
  "filter-on-tags": filterOnTags.optional(),
  "filter-on-prefix": filterOnPrefix.optional(),
  "excluded-tags": excludedTags.optional(),
};

/** What of cloudCommon decides which secrets a tagged backend selects and their keys; default tags only label writes. */
export const cloudCommonView = {
  fields: {
    prefix: "prefix",
    "filter-on-tags.tags": "filter-on-tags",
    "excluded-tags.tags": "excluded tags",
    "filter-on-prefix.prefix": "filter-on-prefix",
    "filter-on-prefix.keep-prefix": "keep-prefix",
  },
  defaults: { prefix: DEFAULT_PREFIX, "filter-on-prefix.keep-prefix": false },
} as const;

const pem = plain(z.string().trim().max(65536), { multiline: true }).regex(
  /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/,
  "PEM certificates (-----BEGIN CERTIFICATE-----)",
);

/** Extra CA certificates to trust for a backend behind a private CA (PEM). Not a credential. */
export const caCertificate = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  pem.optional(),
);
