// Which edits of an Azure Key Vault configuration switch what a namespace sees (so the save previews and asks first),
// and which only change its credentials: the vault, the directory, the marker prefix and the tag and name filters do.
import { describe, expect, it } from "vitest";
import { switches } from "../../support/switch-rule";

const TENANT = "00000000-0000-0000-0000-000000000001";
const azure = (section: Record<string, unknown> = {}) => ({
  type: "azure-key-vault",
  "read-only": true,
  "azure-key-vault": {
    "vault-name": "team-a-vault",
    clientSecret: { tenantId: TENANT, clientId: "app", clientSecret: "first" },
    prefix: "team-a",
    ...section,
  },
});

describe("an Azure edit that switches what the namespace sees", () => {
  it.each([
    ["the marker prefix", { prefix: "team-b" }],
    ["filter-on-tags", { "filter-on-tags": { tags: { env: "prod" } } }],
    ["excluded tags", { "excluded-tags": { tags: { archived: "true" } } }],
    ["filter-on-prefix", { "filter-on-prefix": { prefix: "prod-" } }],
    ["the vault name (a destination)", { "vault-name": "team-b-vault" }],
    [
      "the vault URI instead of the name (a destination)",
      { "vault-name": undefined, "key-vault-uri": "https://v.example" },
    ],
  ])("%s", (_, edit) => {
    expect(switches(azure(), azure(edit))).toBe(true);
  });
});

describe("an Azure edit that keeps what the namespace sees", () => {
  it("a rotated client secret for the same app", () => {
    expect(
      switches(azure(), azure({ clientSecret: { tenantId: TENANT, clientId: "app", clientSecret: "second" } })),
    ).toBe(false);
  });

  it("the default tags written on new secrets, and the default prefix written out", () => {
    expect(switches(azure(), azure({ tags: { owner: "platform" } }))).toBe(false);
    expect(switches(azure({ prefix: undefined }), azure({ prefix: "kestra" }))).toBe(false);
  });
});
