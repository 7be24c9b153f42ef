import "server-only";
import { z } from "zod";
import type { SectionIssue } from "./config-fields";
import { flag } from "./config-fields";
import { cacheSectionSchema, type CacheSection } from "./cache-settings";
import { deletePath, getPath, setPath } from "./document-path";
import { descriptorOf, EXTERNAL_BACKEND_TYPES, type ExternalBackendType } from "./descriptors";

/**
 * A backend configuration document in the configuration file's shape:
 * `{ type, read-only, <type>: { ...section } }`. The settings form posts the same shape, so one
 * schema per backend validates both.
 */
export type ConfigDocument = {
  type: ExternalBackendType;
  "read-only": boolean;
  /** Kestra's `kestra.secret.cache`: the freshness of this configuration's secrets index. */
  cache?: CacheSection;
} & { [K in ExternalBackendType]?: Record<string, unknown> };

const documentSchemas = EXTERNAL_BACKEND_TYPES.map((type) =>
  z.strictObject({
    type: z.literal(type),
    "read-only": flag(false),
    cache: cacheSectionSchema.optional(),
    [type]: descriptorOf(type).section,
  }),
);

export const configDocumentSchema = z.discriminatedUnion(
  "type",
  documentSchemas as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: () => `type must be one of ${EXTERNAL_BACKEND_TYPES.join(", ")}` },
);

export interface DocumentIssue {
  /** Dotted path from the document root, e.g. `vault.token.token`. */
  path: string;
  message: string;
}

export type DocumentParse =
  | { ok: true; document: ConfigDocument; warnings: DocumentIssue[] }
  | { ok: false; errors: DocumentIssue[]; warnings: DocumentIssue[] };

function joinPath(path: PropertyKey[]): string {
  return path.map(String).join(".");
}

/** zod reports a bad record key as "Invalid key in record"; the key schema's own message says why. */
function messageOf(issue: z.core.$ZodIssue): string {
  return (issue.code === "invalid_key" && issue.issues[0]?.message) || issue.message;
}

/**
 * Validates a document. Unknown keys are errors for forms (`unknownKeys: "error"`) and warnings
 * for the configuration file, where they are stripped before the document is used. Incomplete
 * settings (a backend's `incomplete` check) follow `incomplete`, which defaults to `unknownKeys`.
 */
export function parseConfigDocument(
  input: unknown,
  options: { unknownKeys: "error" | "warn"; incomplete?: "error" | "warn" },
): DocumentParse {
  const warnings: DocumentIssue[] = [];
  const value = structuredClone(input);
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = configDocumentSchema.safeParse(value);
    if (result.success) {
      const document = result.data as ConfigDocument;
      const issues = descriptorOf(document.type).incomplete?.(document[document.type]) ?? [];
      const at = (i: SectionIssue) => joinPath([document.type, ...i.path]);
      if (issues.length && (options.incomplete ?? options.unknownKeys) === "error")
        return { ok: false, errors: issues.map((i) => ({ path: at(i), message: i.message })), warnings };
      return {
        ok: true,
        document,
        warnings: [...warnings, ...issues.map((i) => ({ path: at(i), message: i.warning }))],
      };
    }
    const unknown = result.error.issues.filter((i) => i.code === "unrecognized_keys");
    const others = result.error.issues.filter((i) => i.code !== "unrecognized_keys");
    const unknownIssues = unknown.flatMap((i) =>
      (i as { keys: string[] }).keys.map((k) => ({ path: joinPath([...i.path, k]), message: `Unknown key '${k}'` })),
    );
    if (options.unknownKeys === "error" || others.length) {
      const errors = others.map((i) => ({ path: joinPath(i.path), message: messageOf(i) }));
      if (options.unknownKeys === "error") errors.push(...unknownIssues);
      else warnings.push(...unknownIssues);
      return { ok: false, errors, warnings };
    }
    warnings.push(...unknownIssues);
    for (const issue of unknown) {
      for (const k of (issue as { keys: string[] }).keys) deletePath(value, [...issue.path.map(String), k]);
    }
  }
  return { ok: false, errors: [{ path: "", message: "Too many unknown keys" }], warnings };
}

/** Credential values keyed by their dotted path inside the document (`vault.token.token`). */
export type Credentials = Record<string, string>;

export function credentialPathsOf(type: ExternalBackendType): string[] {
  return Object.keys(descriptorOf(type).credentials).map((p) => `${type}.${p}`);
}

/** Separates what may be stored in clear and shown again from what must be encrypted and never shown. */
export function splitCredentials(document: ConfigDocument): { settings: ConfigDocument; credentials: Credentials } {
  const settings = structuredClone(document);
  const credentials: Credentials = {};
  for (const dotted of credentialPathsOf(document.type)) {
    const value = getPath(settings, dotted);
    if (typeof value === "string" && value !== "") credentials[dotted] = value;
    deletePath(settings, dotted);
  }
  return { settings, credentials };
}

/** Puts credentials back into a settings object (for validation and for the backend). */
export function mergeCredentials(settings: Record<string, unknown>, credentials: Credentials): Record<string, unknown> {
  const merged = structuredClone(settings);
  for (const [dotted, value] of Object.entries(credentials)) setPath(merged, dotted, value);
  return merged;
}
