import { describe, expect, it } from "vitest";
import { listFilters } from "../../lib/backends/aws/list-filters";
import { apiFilterSentence } from "../../lib/backends/api-filters";
import type { SelectionRules } from "../../lib/backends/classify";
import { backendDescriptors } from "../../lib/backends/descriptors";
import { serverFilter } from "../../lib/backends/gcp/labels";

const rules = (over: Partial<SelectionRules> = {}): SelectionRules => ({
  prefix: "kestra",
  filterOnTags: { env: "prod", team: "core" },
  filterOnPrefix: { prefix: "prod_", keepPrefix: false },
  attachment: { tenant: "acme", namespace: null },
  ...over,
});

const apiFiltersOf = (type: "aws-secret-manager" | "google-secret-manager" | "azure-key-vault") => {
  const capabilities = backendDescriptors[type].capabilities;
  if (capabilities.model !== "tagged") throw new Error(`${type} is not tagged`);
  return capabilities.apiFilters;
};

// The descriptors tell the form what each backend's list call filters; these pin that to what the drivers send.
describe("declared API filters match what the drivers send", () => {
  it("AWS: one tag pair and the name prefix, in both modes", () => {
    const declared = apiFiltersOf("aws-secret-manager");
    for (const readOnly of [false, true]) {
      const sent = listFilters(rules(), readOnly);
      expect(sent.filter((f) => f.Key === "tag-key")).toHaveLength(declared.tags === "one-pair" ? 1 : 0);
      expect(sent.some((f) => f.Key === "name")).toBe(declared.namePrefix);
    }
    expect(declared.inReadOnly).toBe(listFilters(rules(), true).length > 0);
  });

  it("Google: every label-safe pair and the name, only in managed mode", () => {
    const declared = apiFiltersOf("google-secret-manager");
    const managed = serverFilter(rules(), false) ?? "";
    expect(declared.tags).toBe("labels");
    expect(managed).toContain('labels.env="prod"');
    expect(managed).toContain('labels.team="core"');
    expect(managed.includes("name:prod_")).toBe(declared.namePrefix);
    // A pair that is not a valid label is left to Keyhold.
    expect(serverFilter(rules({ filterOnTags: { Env: "Prod.EU" } }), false) ?? "").not.toContain("Env");
    expect(serverFilter(rules(), true) !== null).toBe(declared.inReadOnly);
  });

  it("Azure: nothing, its list call has no filter", () => {
    expect(apiFiltersOf("azure-key-vault")).toEqual({ tags: "none", namePrefix: false, inReadOnly: false });
  });
});

describe("apiFilterSentence", () => {
  it("says what the backend narrows and that Keyhold checks every pair", () => {
    expect(apiFilterSentence("AWS Secrets Manager", apiFiltersOf("aws-secret-manager"))).toBe(
      "AWS Secrets Manager narrows its list by one filter-on-tags pair and the name prefix; Keyhold checks every pair exactly.",
    );
    expect(apiFilterSentence("Google Secret Manager", apiFiltersOf("google-secret-manager"))).toBe(
      "Google Secret Manager narrows its list by the filter-on-tags pairs that are valid labels and the name prefix (in read-only mode the whole list is read, to count what the rules skip); Keyhold checks every pair exactly.",
    );
    expect(apiFilterSentence("Azure Key Vault", apiFiltersOf("azure-key-vault"))).toBe(
      "Azure Key Vault cannot filter its list: Keyhold reads it whole and checks every pair itself.",
    );
  });
});
