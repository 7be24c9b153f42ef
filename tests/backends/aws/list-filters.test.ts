import { describe, expect, it } from "vitest";
import type { SelectionRules } from "../../../lib/backends/classify";
import { listFilters } from "../../../lib/backends/aws/list-filters";

const rules = (extra: Partial<SelectionRules> = {}): SelectionRules => ({
  prefix: "kestra",
  attachment: { tenant: "acme", namespace: null },
  ...extra,
});

describe("listFilters", () => {
  it("sends nothing in read-only tag mode, so ignored secrets can be counted", () => {
    expect(listFilters(rules(), true)).toEqual([]);
  });

  it("narrows managed tag mode to the prefix tag", () => {
    expect(listFilters(rules({ prefix: "team_a" }), false)).toEqual([
      { Key: "tag-key", Values: ["prefix"] },
      { Key: "tag-value", Values: ["team_a"] },
    ]);
  });

  it("sends filter-on-prefix as a name filter, with one filter-on-tags pair (the first by key)", () => {
    expect(
      listFilters(
        rules({
          filterOnPrefix: { prefix: "prod/", keepPrefix: false },
          filterOnTags: { zone: "a", application: "kestra-production" },
        }),
        true,
      ),
    ).toEqual([
      { Key: "name", Values: ["prod/"] },
      { Key: "tag-key", Values: ["application"] },
      { Key: "tag-value", Values: ["kestra-production"] },
    ]);
  });

  it("does not send the prefix tag in managed prefix mode (names select there)", () => {
    expect(listFilters(rules({ filterOnPrefix: { prefix: "app_", keepPrefix: true } }), false)).toEqual([
      { Key: "name", Values: ["app_"] },
    ]);
  });

  it.each([
    ["a leading !", { "!env": "prod" }],
    ["a ! inside", { env: "pr!od" }],
    ["characters outside AWS's filter pattern", { env: "prüfung" }],
    ["an empty value", { env: "" }],
    ["a value over 512 characters", { env: "v".repeat(513) }],
  ])("leaves a pair with %s to the exact check", (_why, tags) => {
    expect(listFilters(rules({ filterOnTags: tags }), true)).toEqual([]);
  });

  it("skips an unsendable pair but sends the next one", () => {
    expect(listFilters(rules({ filterOnTags: { a: "prüfung", b: "ok" } }), true)).toEqual([
      { Key: "tag-key", Values: ["b"] },
      { Key: "tag-value", Values: ["ok"] },
    ]);
  });

  it("never sends excluded-tags, and no name filter for a prefix starting with !", () => {
    expect(
      listFilters(
        rules({ excludedTags: { env: "dev" }, filterOnPrefix: { prefix: "!secret", keepPrefix: false } }),
        true,
      ),
    ).toEqual([]);
  });
});
