import { z } from "zod";
import { backendLabel, hasSoftDelete, type BackendType } from "../backends/descriptors";
import { describeSource, type EffectiveBackend } from "../secrets/effective-backend";

/** What the browser sees of an effective backend: names and where it came from, nothing else. */
export const backendSummarySchema = z.strictObject({
  type: z.string(),
  label: z.string(),
  readOnly: z.boolean(),
  /** Whether deleted secrets stay recoverable (the backend keeps a "Deleted secrets" list). */
  softDelete: z.boolean(),
  sourceKind: z.enum(["namespace", "tenant", "file", "builtin"]),
  sourceLabel: z.string(),
  sourceNamespace: z.string().nullable(),
  /** The last connectivity check of the configuration behind it (database configurations only). */
  lastVerify: z.strictObject({ status: z.string(), at: z.string() }).nullable(),
});

export type BackendSummary = z.infer<typeof backendSummarySchema>;

export function summarizeBackend(
  b: EffectiveBackend,
  lastVerify: { status: string; at: string } | null = null,
): BackendSummary {
  return backendSummarySchema.parse({
    type: b.type,
    label: backendLabel(b.type as BackendType),
    readOnly: b.readOnly,
    softDelete: hasSoftDelete(b.type),
    sourceKind: b.source.kind,
    sourceLabel: describeSource(b.source),
    sourceNamespace: b.source.kind === "namespace" ? b.source.namespace : null,
    lastVerify,
  });
}
