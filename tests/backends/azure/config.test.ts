import { describe, expect, it } from "vitest";
import { parseConfigDocument } from "../../../lib/backends/document";

const azure = (section: Record<string, unknown>) => ({ type: "azure-key-vault", "azure-key-vault": section });
const errorsOf = (section: Record<string, unknown>) => {
  const r = parseConfigDocument(azure(section), { unknownKeys: "error" });
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};
const TENANT_GUID = "0b6c1f7e-3a1d-4c8e-9f00-5d2e7a9b1c34";
const client = { tenantId: TENANT_GUID, clientId: "app-id", clientSecret: "s3cret" };

describe("azure-key-vault settings", () => {
  it("accepts a vault name or a vault URI, with or without a client secret", () => {
    expect(errorsOf({ "vault-name": "acme-vault", clientSecret: client })).toEqual({});
    expect(errorsOf({ "key-vault-uri": "https://acme-vault.vault.azure.net" })).toEqual({});
    expect(
      errorsOf({ "vault-name": "acme-vault", clientSecret: { ...client, tenantId: "acme.onmicrosoft.com" } }),
    ).toEqual({});
  });

  it("refuses both a vault name and a URI", () => {
    expect(errorsOf({ "vault-name": "acme-vault", "key-vault-uri": "https://acme-vault.vault.azure.net" })).toEqual({
      "azure-key-vault.vault-name": "Give either the vault name or the vault URI, not both",
    });
  });

  it("requires one of them in forms, and warns in the configuration file", () => {
    expect(Object.keys(errorsOf({ clientSecret: client }))).toEqual(["azure-key-vault.vault-name"]);
    const file = parseConfigDocument(azure({ clientSecret: client }), { unknownKeys: "warn" });
    expect(file.ok).toBe(true);
    expect(file.warnings).toEqual([
      {
        path: "azure-key-vault.vault-name",
        message: "no vault name or vault URI: the backend cannot connect until one is given",
      },
    ]);
  });

  it.each(["ab", "1vault", "vault-", "a".repeat(25), "acme_vault"])("refuses vault name %s", (name) =>
    expect(Object.keys(errorsOf({ "vault-name": name }))).toEqual(["azure-key-vault.vault-name"]),
  );

  it("checks each client-secret field by its dotted path", () => {
    expect(
      Object.keys(errorsOf({ "vault-name": "acme-vault", clientSecret: { ...client, tenantId: "not a tenant!" } })),
    ).toEqual(["azure-key-vault.clientSecret.tenantId"]);
    expect(
      Object.keys(errorsOf({ "vault-name": "acme-vault", clientSecret: { tenantId: TENANT_GUID, clientSecret: "s" } })),
    ).toEqual(["azure-key-vault.clientSecret.clientId"]);
  });

  it("limits string lengths", () => {
    expect(
      errorsOf({ "vault-name": "acme-vault", clientSecret: { ...client, clientSecret: "s".repeat(1024) } }),
    ).toEqual({});
    expect(
      errorsOf({ "vault-name": "acme-vault", clientSecret: { ...client, clientSecret: "s".repeat(1025) } }),
    ).toEqual({
      "azure-key-vault.clientSecret.clientSecret": "At most 1024 characters",
    });
    expect(errorsOf({ "vault-name": "acme-vault", clientSecret: { ...client, clientId: "c".repeat(129) } })).toEqual({
      "azure-key-vault.clientSecret.clientId": "At most 128 characters",
    });
  });

  it("defaults the managed prefix to kestra and keeps the challenge resource check on", () => {
    const r = parseConfigDocument(azure({ "vault-name": "acme-vault" }), { unknownKeys: "error" });
    expect(r.ok && r.document["azure-key-vault"]).toEqual({
      "vault-name": "acme-vault",
      prefix: "kestra",
      "disable-challenge-resource-verification": false,
    });
  });
});
