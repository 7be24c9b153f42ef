import { describe, expect, it } from "vitest";
import { affectsNamespace, parseListQuery, secretKeys } from "../../lib/query/secret-keys";

describe("secret query keys", () => {
  const q = { search: "", sort: "key" as const, dir: "asc" as const, cursor: "", filter: "" as const };
  it("invalidates the namespace and its descendants, not siblings or other tenants", () => {
    expect(affectsNamespace(secretKeys.list("acme", "company", q), "acme", "company")).toBe(true);
    expect(affectsNamespace(secretKeys.list("acme", "company.team", q), "acme", "company")).toBe(true);
    expect(affectsNamespace(secretKeys.list("acme", "companyx", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "other", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("globex", "company", q), "acme", "company")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "company", q), "acme", "company.team")).toBe(false);
    expect(affectsNamespace(secretKeys.list("acme", "*", q), "acme", "company.team")).toBe(true);
  });

  it("reads a lifecycle filter from the URL and ignores an unknown one", () => {
    const read = (params: Record<string, string>) => parseListQuery((n) => params[n]);
    expect(read({ filter: "expiring" }).filter).toBe("expiring");
    expect(read({ filter: "disabled" }).filter).toBe("disabled");
    expect(read({ filter: "stale" }).filter).toBe("stale");
    expect(read({ filter: "everything" }).filter).toBe("");
    expect(read({}).filter).toBe("");
  });
});
