import { describe, expect, it } from "vitest";
import { matchesSearch, searchNeedle, searchSecrets } from "@/lib/backends/search";

const secret = { key: "DB_PASSWORD", tags: { team: "Payments", env: "prod" } };

describe("secrets search", () => {
  it("matches nothing to search for", () => {
    expect(searchNeedle(undefined)).toBeNull();
    expect(searchNeedle("   ")).toBeNull();
    expect(matchesSearch(secret, "")).toBe(true);
    expect(matchesSearch(secret, "  ")).toBe(true);
  });

  it("matches a case-insensitive substring of the key, trimmed", () => {
    expect(matchesSearch(secret, "db_")).toBe(true);
    expect(matchesSearch(secret, "  PASS ")).toBe(true);
    expect(matchesSearch(secret, "token")).toBe(false);
  });

  it("matches a tag key, a tag value, or the pair written key=value", () => {
    expect(matchesSearch(secret, "TEAM")).toBe(true);
    expect(matchesSearch(secret, "payments")).toBe(true);
    expect(matchesSearch(secret, "env=prod")).toBe(true);
    expect(matchesSearch(secret, "m=pay")).toBe(true);
    expect(matchesSearch(secret, "env=dev")).toBe(false);
    expect(matchesSearch({ key: "X", tags: {} }, "=")).toBe(false);
  });

  it("filters a list and keeps its order", () => {
    const rows: { name: string; s: { key: string; tags: Record<string, string> } }[] = [
      { name: "b", s: { key: "B_KEY", tags: { owner: "web" } } },
      { name: "a", s: { key: "A_KEY", tags: {} } },
      { name: "c", s: { key: "C_WEB", tags: {} } },
    ];
    expect(searchSecrets(rows, "web", (r) => r.s).map((r) => r.name)).toEqual(["b", "c"]);
    expect(searchSecrets(rows, undefined, (r) => r.s)).toBe(rows);
  });
});
