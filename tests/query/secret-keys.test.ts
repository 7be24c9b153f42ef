import { describe, expect, it } from "vitest";
import { affectsNamespace, secretKeys } from "../../lib/query/secret-keys";

describe("secret query keys", () => {
  const q = { search: "", sort: "key" as const, dir: "asc" as const, cursor: "" };
  it("invalidates the namespace and its descendants, not siblings or other tenants", () => {
    expect(affectsNamespace(secretKeys.list("acme", "company", q), "acme", "company")).toBe(true);
    expect(affectsNamespace(secretKeys.list("acme", "company.team", q), "acme", "company")).toBe(true);
    expect(affectsNamespace(secretKeys.list("acme", "companyx", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "other", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("globex", "company", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "company", q), "acme", "company.team")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "*", q), "acme", "company.team")).toBe(true);
  });
});
