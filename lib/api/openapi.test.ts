import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

/** Every app/api route file, as an OpenAPI path (`[tenant]` → `{tenant}`). */
function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [`/${path.relative("app", path.dirname(full)).replace(/\[([^\]]+)\]/g, "{$1}")}`] : [];
  });
}

describe("the OpenAPI description", () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>> };

  it("is OpenAPI 3.1 and lists every route handler but itself", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(routeFiles().filter((p) => p !== "/api/openapi.json").sort());
  });

  it("names each dynamic segment as a required path parameter, and the rest of the input as query parameters", () => {
    const op = doc.paths["/api/tenants/{tenant}/namespaces/{namespace}/secrets"].get;
    expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["tenant", "namespace"]);
    expect(op.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(expect.arrayContaining(["search", "sort", "page", "pageSize"]));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404"]));
    const audit = doc.paths["/api/tenants/{tenant}/audit/csv"].get;
    expect(audit.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["tenant"]);
    expect(audit.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["from", "to", "actor"]));
  });
});
