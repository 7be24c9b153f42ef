import { describe, expect, it } from "vitest";
import { namespaceLineage, namespacePathSchema, parentNamespace, tenantSlugSchema } from "../../lib/tenancy/names";

describe("tenant ids", () => {
  it.each(["acme", "globex-2", "a1"])("accepts %s", (v) => expect(tenantSlugSchema.safeParse(v).success).toBe(true));
  it.each(["A", "Acme", "-acme", "acme-", "ac_me", "a".repeat(64), "ac.me"])("refuses %s", (v) =>
    expect(tenantSlugSchema.safeParse(v).success).toBe(false),
  );
});

describe("namespace paths", () => {
  it.each(["company", "company.team", "company.team.etl_2", "a-b.c"])("accepts %s", (v) =>
    expect(namespacePathSchema.safeParse(v).success).toBe(true),
  );
  it.each([
    "",
    ".company",
    "company.",
    "company..team",
    "Company",
    "company.te am",
    "_x",
    "a.".repeat(10) + "a",
    "x".repeat(64),
  ])("refuses %j", (v) => expect(namespacePathSchema.safeParse(v).success).toBe(false));
  it("trims surrounding blanks", () => expect(namespacePathSchema.parse(" company.team ")).toBe("company.team"));
  it("lists a path's lineage from the root", () => {
    expect(namespaceLineage("company.team.etl")).toEqual(["company", "company.team", "company.team.etl"]);
    expect(parentNamespace("company.team")).toBe("company");
    expect(parentNamespace("company")).toBeNull();
  });
});
