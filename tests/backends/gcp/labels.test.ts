import { describe, expect, it } from "vitest";
import type { SelectionRules } from "../../../lib/backends/classify";
import { isLabelSafe, metadataFor, serverFilter, tagsOf } from "../../../lib/backends/gcp/labels";

const managed = { tenant: "acme", namespace: "company.team", key: "API_KEY", prefix: "kestra" };

describe("Keyhold tags as Secret Manager labels and annotations", () => {
  it.each([
    ["env", "prod", true],
    ["tenant", "", true],
    ["cost_center", "a-1_b", true],
    ["namespace", "company.team", false],
    ["key", "API_KEY", false],
    ["API_KEY", "x", false],
    ["1env", "x", false],
    ["env", "x".repeat(64), false],
    ["e".repeat(64), "x", false],
    ["env", "é", false],
  ] as const)("%s=%s label-safe: %s", (k, v, safe) => expect(isLabelSafe(k, v)).toBe(safe));

  it("stores every tag as an annotation and the label-safe ones as labels too", () => {
    expect(metadataFor({ ...managed, env: "prod", "Team.Name": "Core" }, "the API")).toEqual({
      labels: { tenant: "acme", prefix: "kestra", env: "prod" },
      annotations: { ...managed, env: "prod", "Team.Name": "Core", "keyhold-description": "the API" },
    });
    expect(metadataFor({}, null)).toEqual({ labels: {}, annotations: {} });
    expect(metadataFor({}, "")).toEqual({ labels: {}, annotations: {} });
  });

  it.each(["my tag", "-x", "x-", "a".repeat(64), "keyhold-description"])("refuses the tag key %j", (key) => {
    expect(() => metadataFor({ [key]: "v" }, null)).toThrow(expect.objectContaining({ code: "invalid-input" }));
  });

  it("refuses annotations of 16 KiB or more", () => {
    expect(() => metadataFor({ a: "x".repeat(16_000) }, "y".repeat(400))).toThrow(
      expect.objectContaining({ code: "invalid-input", message: expect.stringMatching(/16 KiB/) }),
    );
    expect(() => metadataFor({ a: "x".repeat(16_000) }, "y".repeat(300))).not.toThrow();
  });

  it("reads labels merged with annotations, the annotation winning, and the description apart", () => {
    expect(tagsOf({ env: "dev", team: "core" }, { env: "Prod.EU", "keyhold-description": "d" })).toEqual({
      tags: { env: "Prod.EU", team: "core" },
      description: "d",
    });
    expect(tagsOf(null, undefined)).toEqual({ tags: {}, description: null });
    expect(tagsOf({ "keyhold-description": "label" }, {})).toEqual({ tags: {}, description: null });
  });

  it("reads back exactly what it writes", () => {
    const tags = { ...managed, env: "prod", "Team.Name": "Core", empty: "" };
    const { labels, annotations } = metadataFor(tags, "words");
    expect(tagsOf(labels, annotations)).toEqual({ tags, description: "words" });
  });
});

describe("the ListSecrets filter", () => {
  const rules = (over: Partial<SelectionRules> = {}): SelectionRules => ({
    prefix: "kestra",
    attachment: { tenant: "acme", namespace: null },
    ...over,
  });

  it("is none in read-only mode, which counts every secret it ignores", () => {
    expect(serverFilter(rules({ filterOnTags: { team: "core" } }), true)).toBeNull();
  });

  it("asks for the prefix label and the label-safe filter-on-tags pairs in managed mode", () => {
    expect(serverFilter(rules(), false)).toBe('labels.prefix="kestra"');
    expect(serverFilter(rules({ filterOnTags: { team: "core", Owner: "x", app: "Kestra.Prod" } }), false)).toBe(
      'labels.prefix="kestra" AND labels.team="core"',
    );
    expect(serverFilter(rules({ prefix: "Kestra.Prod" }), false)).toBeNull();
  });

  it("asks for the name in filter-on-prefix mode when the prefix can be part of a secret id", () => {
    expect(serverFilter(rules({ filterOnPrefix: { prefix: "prod_", keepPrefix: false } }), false)).toBe("name:prod_");
    expect(serverFilter(rules({ filterOnPrefix: { prefix: "prod/", keepPrefix: false } }), false)).toBeNull();
  });
});
