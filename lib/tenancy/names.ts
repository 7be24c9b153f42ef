import { z } from "zod";
import { plainText } from "../input/plain-text";

// Tenant ids appear in URLs and backend tags: lowercase, DNS-label style.
export const tenantSlugSchema = z
  .string()
  .trim()
  .min(2, "At least 2 characters")
  .max(63, "At most 63 characters")
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    "Lowercase letters, digits and dashes; start and end with a letter or digit",
  );

export const tenantDisplayNameSchema = plainText(120).min(1, "Required");

export const NAMESPACE_MAX_LENGTH = 255;
export const NAMESPACE_MAX_DEPTH = 10;

/** Dotted namespace paths (`company.team.etl`): each segment starts with a letter or digit. */
export const namespacePathSchema = z
  .string()
  .trim()
  .min(1, "Required")
  .max(NAMESPACE_MAX_LENGTH, `At most ${NAMESPACE_MAX_LENGTH} characters`)
  .refine((v) => !v.startsWith(".") && !v.endsWith(".") && !v.includes(".."), "Segments are separated by single dots")
  .refine((v) => v.split(".").every((s) => /^[a-z0-9][a-z0-9_-]{0,62}$/.test(s)), {
    message:
      "Each segment: lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters",
  })
  .refine((v) => v.split(".").length <= NAMESPACE_MAX_DEPTH, `At most ${NAMESPACE_MAX_DEPTH} levels`);

/** `company.team.etl` → [`company`, `company.team`, `company.team.etl`]. */
export function namespaceLineage(path: string): string[] {
  const parts = path.split(".");
  return parts.map((_, i) => parts.slice(0, i + 1).join("."));
}

export function parentNamespace(path: string): string | null {
  const i = path.lastIndexOf(".");
  return i < 0 ? null : path.slice(0, i);
}
