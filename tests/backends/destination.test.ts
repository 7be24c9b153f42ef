import { describe, expect, it } from "vitest";
import { changedDestinations, destinationOf, identityOf, reenterMessage } from "../../lib/backends/destination";
import { parseConfigDocument, type ConfigDocument } from "../../lib/backends/document";

const parse = (doc: unknown): ConfigDocument => {
  const r = parseConfigDocument(doc, { unknownKeys: "error", incomplete: "warn" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document;
};

describe("destination fields", () => {
  it("lists each backend's destination fields, absent ones as null", () => {
    expect(destinationOf("vault", { address: "https://v:8200", token: { token: "t" } })).toEqual({
      address: "https://v:8200",
      namespace: null,
      "app-role.path": null,
      "jwt.path": null,
      "kubernetes.path": null,
      "ca-certificate": null,
    });
    expect(Object.keys(destinationOf("aws-secret-manager", {})).sort()).toEqual([
      "endpoint-override",
      "region",
      "sts-endpoint-override",
    ]);
    expect(Object.keys(destinationOf("azure-key-vault", {})).sort()).toEqual([
      "authority-host",
      "ca-certificate",
      "clientSecret.tenantId",
      "key-vault-uri",
      "vault-name",
      "workloadIdentity.tenantId",
    ]);
    expect(Object.keys(destinationOf("google-secret-manager", {})).sort()).toEqual([
      "ca-certificate",
      "endpoint-override",
      "iam-endpoint-override",
      "project",
    ]);
  });

  it("finds every changed destination and nothing else", () => {
    const before = { address: "https://vault.example.com", "secret-path-prefix": "a", namespace: "team" };
    expect(changedDestinations("vault", before, { ...before, "secret-path-prefix": "b" })).toEqual([]);
    expect(changedDestinations("vault", before, { ...before, address: "https://evil.example" })).toEqual(["address"]);
    expect(changedDestinations("vault", before, { address: "https://evil.example" })).toEqual(["address", "namespace"]);
    expect(
      changedDestinations(
        "vault",
        { address: "x", "app-role": { path: "approle" } },
        { address: "x", "app-role": { path: "other" } },
      ),
    ).toEqual(["app-role.path"]);
    expect(
      changedDestinations("azure-key-vault", { clientSecret: { tenantId: "a" } }, { clientSecret: { tenantId: "b" } }),
    ).toEqual(["clientSecret.tenantId"]);
  });

  it("reads own properties only", () => {
    const hostile = JSON.parse('{"__proto__": {"address": "https://evil.example"}}');
    expect(destinationOf("vault", hostile).address).toBeNull();
    expect(destinationOf("vault", { constructor: "x" }).address).toBeNull();
  });

  it("says which credential to enter again and why", () => {
    expect(reenterMessage("vault", "token.token", ["address"])).toBe("Enter the token again: the address changed");
    expect(reenterMessage("vault", "app-role.secret-id", ["address", "namespace", "ca-certificate"])).toBe(
      "Enter the secret id again: the address, namespace and CA certificate changed",
    );
    expect(reenterMessage("azure-key-vault", "clientSecret.clientSecret", ["authority-host"])).toBe(
      "Enter the client secret again: the authority host changed",
    );
  });
});

describe("identity", () => {
  it("tells configured credentials from the server's own identity", () => {
    expect(identityOf(parse({ type: "aws-secret-manager", "aws-secret-manager": { region: "us-east-1" } })).kind).toBe(
      "ambient",
    );
    expect(
      identityOf(
        parse({
          type: "aws-secret-manager",
          "aws-secret-manager": { region: "us-east-1", "access-key-id": "AKIA1", "secret-key-id": "s" },
        }),
      ).kind,
    ).toBe("configured");
    expect(identityOf(parse({ type: "azure-key-vault", "azure-key-vault": { "vault-name": "my-vault" } })).kind).toBe(
      "ambient",
    );
    expect(
      identityOf(
        parse({
          type: "azure-key-vault",
          "azure-key-vault": {
            "vault-name": "my-vault",
            clientSecret: { tenantId: "t.example", clientId: "c", clientSecret: "s" },
          },
        }),
      ).kind,
    ).toBe("configured");
    expect(
      identityOf(parse({ type: "google-secret-manager", "google-secret-manager": { project: "my-project" } })).kind,
    ).toBe("ambient");
    expect(
      identityOf(
        parse({
          type: "google-secret-manager",
          "google-secret-manager": { project: "my-project", "endpoint-override": "http://127.0.0.1:9000" },
        }),
      ).kind,
    ).toBe("none");
    expect(identityOf(parse({ type: "vault", vault: { address: "https://v", token: { token: "t" } } })).kind).toBe(
      "configured",
    );
  });
});
