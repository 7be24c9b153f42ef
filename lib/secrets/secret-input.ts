import { z } from "zod";
import { isValidSecretKey } from "../backends/classify";
import { isSafeKey, plain, plainText } from "../input/plain-text";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";

export const secretKeySchema = z
  .string()
  .trim()
  .min(1, "Required")
  .max(255, "At most 255 characters")
  .refine(isValidSecretKey, "Letters, digits, '_', '.', '-' and '/' only, starting with a letter, digit or '_'");

/** Tag rows as the drawer sends them: duplicate and empty keys are refused here, not silently merged. */
export const tagRowsSchema = z
  .array(
    z.strictObject({
      key: plainText(128).min(1, "Tag key is required").refine(isSafeKey, "This tag key is reserved"),
      value: plain(z.string().max(256)),
    }),
  )
  .max(50, "At most 50 tags")
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (seen.has(r.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `Duplicate tag key '${r.key}'` });
      seen.add(r.key);
    });
  })
  .transform((rows) => Object.fromEntries(rows.map((r) => [r.key, r.value])));

const where = { tenant: tenantSlugSchema, namespace: namespacePathSchema };

// Values are opaque (any text, encrypted at rest), so only their size is checked; descriptions are text a person reads.
const description = plainText(1000, { multiline: true })
  .optional()
  .transform((v) => v || null);

export const createSecretInput = z.strictObject({
  ...where,
  key: secretKeySchema,
  value: z.string().min(1, "Required").max(65536, "At most 64 KiB"),
  description,
  tags: tagRowsSchema.prefault([]),
});

export const updateSecretInput = z.strictObject({
  ...where,
  key: secretKeySchema,
  /** Absent unless "replace value" was switched on. */
  value: z.string().min(1, "Required").max(65536, "At most 64 KiB").optional(),
  description,
  tags: tagRowsSchema.prefault([]),
});

export const secretRefInput = z.strictObject({ ...where, key: secretKeySchema });
