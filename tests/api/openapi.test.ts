import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/api/openapi";

/** Every app/api route file, as an OpenAPI path (`[tenant]` → `{tenant}`). */
function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [`/${path.relative("app", path.dirname(full)).replace(/\[([^\]]+)\]/g, "{$1}")}`] : [];
  });
}

describe("the OpenAPI description", () => {
  type Op = {
    parameters: { name: string; in: string; schema: Record<string, unknown> }[];
    responses: Record<string, unknown>;
    "x-keyhold-permission": string;
    "x-keyhold-target": unknown;
  };
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Op>> };

  it("is OpenAPI 3.1 and lists every route handler but itself", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      routeFiles()
        .filter((p) => p !== "/api/openapi.json" && p !== "/api/v1/openapi.json")
        .sort(),
    );
  });

  it("names each dynamic segment as a required path parameter, and the rest of the input as query parameters", () => {
    const op = doc.paths["/api/tenants/{tenant}/namespaces/{namespace}/secrets"].get;
    expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["tenant", "namespace"]);
    expect(op.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(
      expect.arrayContaining(["search", "sort", "cursor", "pageSize"]),
    );
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404"]));
    const audit = doc.paths["/api/tenants/{tenant}/audit/csv"].get;
    expect(audit.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["tenant"]);
    expect(audit.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["from", "to", "actor"]));
  });

  it("says which permission each operation needs and which input fields name its tenant and namespace", () => {
    const op = (p: string) => doc.paths[p].get;
    expect(op("/api/health")).toMatchObject({
      "x-keyhold-permission": "public",
      "x-keyhold-target": { tenant: null, namespace: null },
      security: [],
    });
    expect(op("/api/tenants/{tenant}/namespaces/{namespace}/secrets")).toMatchObject({
      "x-keyhold-permission": "secret:list",
      "x-keyhold-target": { tenant: "tenant", namespace: "namespace" },
    });
    expect(op("/api/tenants/{tenant}/secrets")).toMatchObject({
      "x-keyhold-permission": "secret:list",
      "x-keyhold-target": { tenant: "tenant", namespace: null },
    });
    // The audit filter's `namespace` narrows the rows; the permission is checked on the tenant.
    expect(op("/api/audit/csv")).toMatchObject({
      "x-keyhold-permission": "audit:read",
      "x-keyhold-target": { tenant: "tenant", namespace: null },
    });
  });

  it("describes what the refinements check: real calendar days, dotted namespace paths", () => {
    const param = (p: string, name: string) => doc.paths[p].get.parameters.find((x) => x.name === name)!.schema;
    const from = param("/api/audit/csv", "from");
    expect(from.format).toBe("date");
    const day = new RegExp(from.pattern as string);
    for (const ok of ["1970-01-01", "2026-12-31", "9998-06-15"]) expect(day.test(ok), ok).toBe(true);
    for (const bad of ["2026-13-45", "1969-12-31", "9999-01-01", "2026-1-5"]) expect(day.test(bad), bad).toBe(false);
    const ns = new RegExp(param("/api/tenants/{tenant}/namespaces/{namespace}/secrets", "namespace").pattern as string);
    for (const ok of ["company", "company.team", "a.b.c.d.e.f.g.h.i.j"]) expect(ns.test(ok), ok).toBe(true);
    for (const bad of [".company", "company..team", "Company", "a.b.c.d.e.f.g.h.i.j.k", "%25"])
      expect(ns.test(bad), bad).toBe(false);
  });

  it("describes REST API v1: bodies for writes, If-Match, problem details, bearer tokens, the guard's target", () => {
    type V1Op = Op & {
      requestBody?: {
        content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }>;
      };
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    const v1 = doc.paths as unknown as Record<string, Record<string, V1Op>>;
    const put = v1["/api/v1/tenants/{tenant}/namespaces/{namespace}/manager"].put;
    expect(put.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:tenant",
      "path:namespace",
      "header:If-Match",
    ]);
    const body = put.requestBody!.content["application/json"].schema;
    expect(Object.keys(body.properties).sort()).toEqual(["confirmSwitch", "document", "enabled", "keepCredentials"]);
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "412", "429"]));
    expect(Object.keys(put.responses["412"].content!)).toEqual(["application/problem+json"]);
    // A backend switch without its confirmation: 409 with the preview (counts, disappearing keys, the token to send back).
    const conflict = put.responses["409"] as { description: string; content: Record<string, { schema: unknown }> };
    expect(conflict.description).toContain("switch-confirmation-required");
    expect(JSON.stringify(conflict.content["application/problem+json"].schema)).toContain('"confirmation"');
    expect(put).toMatchObject({
      "x-keyhold-permission": "config:write",
      "x-keyhold-target": { tenant: "tenant", namespace: "namespace" },
    });
    // Reads take their input from the query string, writes from the body; a secret's key is a path parameter.
    const list = v1["/api/v1/tenants/{tenant}/namespaces/{namespace}/secrets"];
    expect(list.get.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(
      expect.arrayContaining(["search", "sort", "dir", "cursor", "pageSize"]),
    );
    expect(Object.keys(list.post.responses)).toContain("201");
    expect(
      v1["/api/v1/tenants/{tenant}/namespaces/{namespace}/secrets/{key}"].delete.parameters.map((p) => p.name),
    ).toEqual(["tenant", "namespace", "key"]);
    expect(v1["/api/v1/tenants/{tenant}/namespaces/{namespace}/expression-check"].post["x-keyhold-target"]).toEqual({
      tenant: "tenant",
      namespace: "namespace",
      expression: "expression",
    });
    expect(
      (doc as unknown as { components: { securitySchemes: Record<string, unknown> } }).components.securitySchemes
        .bearer,
    ).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
  });
});
