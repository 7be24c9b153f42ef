import { describe, expect, it } from "vitest";
import { finishReport, formatDuration } from "../../lib/backends/capabilities";
import { OPERATIONS } from "../../lib/backends/operations";

const row = (operation: (typeof OPERATIONS)[number], outcome: "yes" | "no" | "unknown") => ({
  operation,
  outcome,
  detail: operation,
});

describe("capability report", () => {
  it("orders the rows and fills what was not checked as unknown", () => {
    const r = finishReport([row("write", "no"), row("authenticate", "yes")], { readOnly: true, readOnlyPolicy: "P" });
    expect(r.rows.map((x) => [x.operation, x.outcome])).toEqual([
      ["authenticate", "yes"],
      ["list", "unknown"],
      ["describe", "unknown"],
      ["read", "unknown"],
      ["write", "no"],
    ]);
    expect(r.leastPrivilegePolicy).toBeNull();
  });

  it("gives the least-privilege policy only to a read-only configuration whose credential can write", () => {
    const all = OPERATIONS.map((o) => row(o, "yes"));
    expect(finishReport(all, { readOnly: true, readOnlyPolicy: "P" }).leastPrivilegePolicy).toBe("P");
    expect(finishReport(all, { readOnly: false, readOnlyPolicy: "P" }).leastPrivilegePolicy).toBeNull();
    const unknownWrite = [...OPERATIONS.slice(0, 4).map((o) => row(o, "yes")), row("write", "unknown")];
    expect(finishReport(unknownWrite, { readOnly: true, readOnlyPolicy: "P" })).toMatchObject({
      warnings: [],
      leastPrivilegePolicy: null,
    });
  });

  it("warns when values cannot be read and when a managed configuration cannot write", () => {
    const r = finishReport([row("read", "no"), row("write", "no")], { readOnly: false, readOnlyPolicy: null });
    expect(r.warnings).toEqual([
      "The credential cannot read secret values: flows that call secret('KEY') would fail.",
      "The configuration is managed, but the credential cannot write: creating or editing secrets fails.",
    ]);
  });

  it("says durations as a person would", () => {
    expect(formatDuration(10_800)).toBe("3 h");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(32 * 86_400)).toBe("32 d");
  });
});
