import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../../lib/api/openapi";
import { operationsOf, refusedSuccesses } from "../../../../scripts/test/api-fuzz/matrix-oracle";

const ops = operationsOf(openApiDocument() as never);
const viewer = [{ role: "viewer" as const, tenantId: "apifuzz", namespace: "company.team" }];
const at = (path: string, status = 200) => ({ method: "GET", url: `http://localhost:3200${path}`, status });

describe("the viewer oracle", () => {
  it("accepts what the matrix allows a namespace viewer, and every refusal", () => {
    const fine = [
      at("/api/health"),
      at("/api/tenants/apifuzz/namespaces/company.team/secrets?page=2"),
      at("/api/tenants/apifuzz/namespaces/company.team.etl/secrets"),
      // Trimmed by the schemas before the guard, as the oracle does.
      at("/api/tenants/apifuzz/namespaces/company.team%20/secrets"),
      at("/api/tenants/apifuzz/secrets", 403),
      at("/api/audit/csv", 403),
      { method: "OPTIONS", url: "http://localhost:3200/api/tenants/apifuzz/secrets", status: 204 },
    ];
    expect(refusedSuccesses(ops, viewer, fine)).toEqual([]);
  });

  it("flags a success the matrix refuses: another namespace, the whole tenant, another tenant, the audit log, an undescribed path", () => {
    const leaks = [
      at("/api/tenants/apifuzz/namespaces/company/secrets"),
      at("/api/tenants/apifuzz/namespaces/company.teamx/secrets"),
      at("/api/tenants/apifuzz/secrets"),
      at("/api/tenants/other/namespaces/company.team/secrets"),
      at("/api/tenants/apifuzz/audit/csv"),
      at("/api/audit/csv?tenant=apifuzz"),
      at("/api/secret-dump"),
      { method: "HEAD", url: "http://localhost:3200/api/tenants/apifuzz/secrets", status: 200 },
    ];
    const problems = refusedSuccesses(ops, viewer, leaks);
    expect(problems).toHaveLength(leaks.length);
    expect(problems[0]).toContain('secret:list on {"tenantId":"apifuzz","namespace":"company"} is refused');
    expect(problems.filter((p) => p.includes("not in the description"))).toEqual([
      expect.stringContaining("/api/secret-dump"),
    ]);
  });

  it("refuses to judge an operation that does not say which permission it needs", () => {
    expect(() => operationsOf({ paths: { "/api/x": { get: {} } } })).toThrow("does not say which permission");
  });

  it("judges REST API v1 writes by their path and body, and an expression by the namespace it names", () => {
    const post = (path: string, body: unknown, status = 200) => ({
      method: "POST",
      url: `http://localhost:3200${path}`,
      status,
      body: JSON.stringify(body),
    });
    const check = "/api/v1/tenants/apifuzz/namespaces/company.team/expression-check";
    const fine = [
      at("/api/v1/tenants/apifuzz/namespaces/company.team/secrets?sort=key"),
      at("/api/v1/tenants/apifuzz/namespaces"),
      post(check, { expression: "{{ secret('API_KEY') }}" }),
      post(check, { expression: "{{ secret('ETL', namespace='company.team.etl') }}" }),
      // A body cannot move a write to another namespace: the path wins, as in the handler.
      post("/api/v1/tenants/apifuzz/namespaces/company.team/secrets", { namespace: "company" }, 403),
    ];
    expect(refusedSuccesses(ops, viewer, fine)).toEqual([]);
    const leaks = [
      post(check, { expression: "{{ secret('DATABASE_URL', namespace='company') }}" }),
      post("/api/v1/tenants/apifuzz/namespaces/company.team/secrets", { key: "X", value: "v" }, 201),
      {
        method: "DELETE",
        url: "http://localhost:3200/api/v1/tenants/apifuzz/namespaces/company.team/secrets/X",
        status: 200,
      },
      { method: "PUT", url: "http://localhost:3200/api/v1/tenants/apifuzz/manager", status: 200, body: "{}" },
      at("/api/v1/tenants/apifuzz/audit"),
      at("/api/v1/tenants/apifuzz/secrets"),
    ];
    const problems = refusedSuccesses(ops, viewer, leaks);
    expect(problems).toHaveLength(leaks.length);
    expect(problems[0]).toContain('secret:check on {"tenantId":"apifuzz","namespace":"company"} is refused');
  });
});
