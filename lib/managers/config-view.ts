import { z } from "zod";
import { EXTERNAL_BACKEND_TYPES } from "../backends/descriptors";
import { capabilityReportSchema } from "../backends/capabilities";

/**
 * What the browser receives about a dedicated manager. It has no credential field: credentials
 * are reported only as the list of paths that are set.
 */
export const configViewSchema = z.strictObject({
  exists: z.boolean(),
  enabled: z.boolean(),
  version: z.number().int().nullable(),
  type: z.enum(EXTERNAL_BACKEND_TYPES).nullable(),
  readOnly: z.boolean(),
  /** The configuration document with every credential path removed. */
  settings: z.record(z.string(), z.unknown()),
  credentialsSet: z.array(z.string()),
  /** Stored credentials that cannot be opened for the destination the row names (or with the configured keys). */
  credentialsUnusable: z.boolean(),
  lastVerify: z
    .strictObject({
      at: z.string(),
      status: z.string(),
      message: z.string().nullable(),
      latencyMs: z.number().nullable(),
      /** The capability table of that verify (null before issue 12's verify, or when it failed first). */
      capabilities: capabilityReportSchema.nullable(),
    })
    .nullable(),
  updatedAt: z.string().nullable(),
});

export type ConfigView = z.infer<typeof configViewSchema>;

export const EMPTY_CONFIG_VIEW: ConfigView = {
  exists: false,
  enabled: false,
  version: null,
  type: null,
  readOnly: false,
  settings: {},
  credentialsSet: [],
  credentialsUnusable: false,
  lastVerify: null,
  updatedAt: null,
};
