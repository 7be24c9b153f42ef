import { describe, expect, it } from "vitest";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { createAzureBackend } from "../../../lib/backends/azure/adapter";
import { createAzureDriver } from "../../../lib/backends/azure/driver";

function doc(section: Record<string, unknown>): ConfigDocument {
  const parsed = parseConfigDocument(
    { type: "azure-key-vault", "azure-key-vault": section },
    { unknownKeys: "error", incomplete: "warn" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}
const attachment = { tenant: "acme", namespace: null };

describe("azure driver (no network)", () => {
  it("turns a vault name into the public cloud's vault host, and takes a URI as given", () => {
    expect(createAzureDriver({ document: doc({ "vault-name": "acme-vault" }), attachment }).target).toBe(
      "Azure Key Vault acme-vault.vault.azure.net",
    );
    expect(
      createAzureDriver({ document: doc({ "key-vault-uri": "https://acme.vault.azure.cn/" }), attachment }).target,
    ).toBe("Azure Key Vault acme.vault.azure.cn");
  });

  it("names secrets with letters, digits and dashes, within 127 characters, distinct per exact identity", () => {
    const driver = createAzureDriver({ document: doc({ "vault-name": "acme-vault" }), attachment });
    const name = (namespace: string, key: string) =>
      driver.nameFor({ prefix: "kestra", tenant: "acme", namespace, key });
    // The example of docs/backends/azure-key-vault.md.
    expect(name("company.team", "DB_PASSWORD")).toBe("kestra-acme-company-team-DB-PASSWORD-3e09705864");
    expect(name("company", "x".repeat(255))).toHaveLength(127);
    for (const n of [name("a.b", "k/v.1"), name("company", "x".repeat(255))])
      expect(n).toMatch(/^[0-9A-Za-z-]{1,127}$/);
    // Key Vault compares names case-insensitively: the hash keeps keys differing only by case apart.
    expect(name("team", "Api").toLowerCase()).not.toBe(name("team", "api").toLowerCase());
    expect(name("team.a", "K")).not.toBe(name("team-a", "K"));
  });

  it("answers invalid-config without any call when no vault is configured", async () => {
    const backend = createAzureBackend({ document: doc({}), attachment });
    await expect(backend.verify()).rejects.toMatchObject({ code: "invalid-config" });
  });
});
