// Pure: the capability table verify reports and the warnings it earns (the operations and their labels: ./operations).
import { z } from "zod";
import { OPERATIONS, type Operation } from "./operations";

/** yes / no: the backend said so (a call or a permission check); unknown: no side-effect-free way to tell. */
export type Outcome = "yes" | "no" | "unknown";

export const capabilityReportSchema = z.strictObject({
  rows: z.array(
    z.strictObject({
      operation: z.enum(OPERATIONS),
      outcome: z.enum(["yes", "no", "unknown"]),
      /** What was tried, in words; never a value or a credential. */
      detail: z.string().max(500),
    }),
  ),
  warnings: z.array(z.string().max(2000)).max(10),
  /** For a read-only configuration whose credential can write: the policy to use instead. */
  leastPrivilegePolicy: z.string().max(4000).nullable(),
});

export type CapabilityReport = z.infer<typeof capabilityReportSchema>;
export type CapabilityRow = CapabilityReport["rows"][number];

/** A token expiring sooner than this earns a warning. */
export const TOKEN_WARNING_SECONDS = 24 * 3600;

/** "3 h", "45 min", "2 d". */
export function formatDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/**
 * The table in OPERATIONS order (a missing operation is `unknown`), with the warnings the rows earn: a value that
 * cannot be read (flows would fail), and a read-only configuration whose credential can write (least privilege).
 */
export function finishReport(
  rows: CapabilityRow[],
  options: { readOnly: boolean; readOnlyPolicy: string | null; warnings?: string[] },
): CapabilityReport {
  const byOp = new Map(rows.map((r) => [r.operation, r]));
  const ordered = OPERATIONS.map(
    (operation) => byOp.get(operation) ?? { operation, outcome: "unknown" as const, detail: "not checked" },
  );
  const warnings = [...(options.warnings ?? [])];
  const outcome = (op: Operation) => byOp.get(op)?.outcome ?? "unknown";
  if (outcome("read") === "no")
    warnings.push("The credential cannot read secret values: flows that call secret('KEY') would fail.");
  if (outcome("list") === "no") warnings.push("The credential cannot list secrets: the Secrets tab stays empty.");
  if (!options.readOnly && outcome("write") === "no")
    warnings.push("The configuration is managed, but the credential cannot write: creating or editing secrets fails.");
  const overPrivileged = options.readOnly && outcome("write") === "yes";
  if (overPrivileged)
    warnings.push(
      "The configuration is read-only, but the credential can write: give it a read-only policy (least privilege).",
    );
  return {
    rows: ordered.map((r) => ({ ...r, detail: r.detail.slice(0, 500) })),
    warnings: warnings.slice(0, 10).map((w) => w.slice(0, 2000)),
    leastPrivilegePolicy: overPrivileged ? (options.readOnlyPolicy?.slice(0, 4000) ?? null) : null,
  };
}
