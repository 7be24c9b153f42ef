import { z } from "zod";
import { isValidSecretKey } from "../backends/classify";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";

export const secretKeySchema = z
  .string()
  .trim()
  .min(1, "Required")
  .max(255, "At most 255 characters")
  .refine(isValidSecretKey, "Letters, digits, '_', '.', '-' and '/' only, starting with a letter, digit or '_'");

/** Tag rows as the drawer sends them: duplicate and empty keys are refused here, not silently merged. */
export const tagRowsSchema = z
  .array(z.strictObject({ key: z.string().trim().min(1, "Tag key is required").max(128), value: z.string().max(256) }))
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

export const createSecretInput = z.strictObject({
  ...where,
  key: secretKeySchema,
  value: z.string().min(1, "Required").max(65536, "At most 64 KiB"),
  description: z.string().trim().max(1000).optional().transform((v) => v || null),
  tags: tagRowsSchema.prefault([]),
});

export const updateSecretInput = z.strictObject({
  ...where,
  key: secretKeySchema,
  /** Absent unless "replace value" was switched on. */
  value: z.string().min(1, "Required").max(65536, "At most 64 KiB").optional(),
  description: z.string().trim().max(1000).optional().transform((v) => v || null),
  tags: tagRowsSchema.prefault([]),
});

export const secretRefInput = z.strictObject({ ...where, key: secretKeySchema });
