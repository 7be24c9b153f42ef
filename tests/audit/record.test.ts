import { describe, expect, it } from "vitest";
import { auditRow, recordAudit, type AuditEntry, type AuditRow } from "@/lib/audit/record";

const written = () => {
  const rows: AuditRow[] = [];
  return { rows, auditEvent: { create: async ({ data }: { data: AuditRow }) => void rows.push(data) } };
};

describe("recordAudit", () => {
  it("writes one row with the entry's columns, scope defaults to null", async () => {
    const db = written();
    await recordAudit(db, {
      actor: "system",
      action: "user.created",
      outcome: "success",
      details: { email: "a@example.com", role: "instance-admin", via: "environment" },
    });
    expect(db.rows).toEqual([
      {
        tenantId: null,
        namespace: null,
        actor: "system",
        action: "user.created",
        outcome: "success",
        details: { email: "a@example.com", role: "instance-admin", via: "environment" },
      },
    ]);
  });

  it("records a refused call by the guarded call's name with empty details", () => {
    expect(
      auditRow({
        tenantId: "t1",
        namespace: "company",
        actor: "eve@example.com",
        action: "secret.delete",
        outcome: "forbidden",
      }),
    ).toEqual({
      tenantId: "t1",
      namespace: "company",
      actor: "eve@example.com",
      action: "secret.delete",
      outcome: "forbidden",
      details: {},
    });
  });

  it("keeps the details exactly as given", () => {
    const entry: AuditEntry = {
      tenantId: "t1",
      namespace: "a.b",
      actor: "x",
      action: "secret.updated",
      outcome: "success",
      details: { key: "db", value: "unchanged", tags: ["env"], backend: "vault" },
    };
    expect(auditRow(entry).details).toEqual({ key: "db", value: "unchanged", tags: ["env"], backend: "vault" });
  });

  it("does not type a secret value or a credential into details", () => {
    auditRow({
      actor: "x",
      action: "secret.updated",
      outcome: "success",
      // @ts-expect-error a secret's value is only "replaced" or "unchanged"
      details: { key: "db", value: "hunter2", tags: [], backend: "vault" },
    });
    auditRow({
      actor: "x",
      action: "config.updated",
      outcome: "success",
      details: {
        changed: [],
        // @ts-expect-error credentials are recorded as "replaced", never their value
        credentials: { "vault.token": "s.abc" },
        type: "vault",
        readOnly: false,
        identity: "configured",
      },
    });
    auditRow({
      actor: "x",
      action: "secret.deleted",
      outcome: "success",
      // @ts-expect-error an action's details have their own shape: no extra field
      details: { key: "db", backend: "vault", value: "hunter2" },
    });
    // @ts-expect-error a refusal carries no details
    auditRow({ actor: "x", action: "secret.create", outcome: "forbidden", details: { value: "hunter2" } });
    // @ts-expect-error only known actions record a success
    auditRow({ actor: "x", action: "secret.leaked", outcome: "success", details: {} });
  });
});
