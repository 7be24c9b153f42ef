import { describe, expect, it } from "vitest";
import {
  credentialPathsOf,
  mergeCredentials,
  parseConfigDocument,
  splitCredentials,
  type ConfigDocument,
} from "../../lib/backends/document";
import { EXTERNAL_BACKEND_TYPES } from "../../lib/backends/descriptors";

const SERVICE_ACCOUNT = JSON.stringify({
  type: "service_account",
  project_id: "acme-prod",
  client_email: "keyhold@acme-prod.iam.gserviceaccount.com",
  private_key: "-----BEGIN PRIVATE KEY-----\nCANARY-gcp-private-key\n-----END PRIVATE KEY-----\n",
});

/** One complete document per type, every credential a canary string that must never reach the settings half. */
const FULL: Record<(typeof EXTERNAL_BACKEND_TYPES)[number], Record<string, unknown>> = {
  "aws-secret-manager": {
    type: "aws-secret-manager",
    "read-only": true,
    "aws-secret-manager": {
      "access-key-id": "AKIAEXAMPLE",
      "secret-key-id": "CANARY-aws-secret",
      "session-token": "CANARY-aws-session",
      region: "eu-west-3",
    },
  },
  "azure-key-vault": {
    type: "azure-key-vault",
    "azure-key-vault": {
      "vault-name": "acme-vault",
      clientSecret: {
        tenantId: "0b6c1f7e-3a1d-4c8e-9f00-5d2e7a9b1c34",
        clientId: "app-id",
        clientSecret: "CANARY-azure-secret",
      },
    },
  },
  "google-secret-manager": {
    type: "google-secret-manager",
    "google-secret-manager": { project: "acme-prod", "service-account": SERVICE_ACCOUNT },
  },
  vault: { type: "vault", vault: { address: "https://vault.acme.test:8200", token: { token: "CANARY-vault-token" } } },
};

const parseForm = (doc: unknown) => parseConfigDocument(doc, { unknownKeys: "error" });
const parseFile = (doc: unknown) => parseConfigDocument(doc, { unknownKeys: "warn" });
const errorsOf = (doc: unknown) => {
  const r = parseForm(doc);
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};

describe("configuration documents", () => {
  it.each(EXTERNAL_BACKEND_TYPES)("accepts a complete %s document", (type) => {
    const r = parseForm(FULL[type]);
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it("fills defaults: read-only false, prefix kestra, root-engine secret, engine-version 2, keep-prefix false", () => {
    const aws = parseForm({
      type: "aws-secret-manager",
      "aws-secret-manager": { region: "us-east-1", "filter-on-prefix": { prefix: "prod_" } },
    });
    expect(aws.ok && aws.document).toEqual({
      type: "aws-secret-manager",
      "read-only": false,
      "aws-secret-manager": {
        region: "us-east-1",
        prefix: "kestra",
        "filter-on-prefix": { prefix: "prod_", "keep-prefix": false },
      },
    });
    const vault = parseForm(FULL.vault);
    expect(vault.ok && vault.document.vault).toEqual({
      address: "https://vault.acme.test:8200",
      "root-engine": "secret",
      "engine-version": 2,
      token: { token: "CANARY-vault-token" },
    });
  });

  it("refuses an unknown type, a missing section and a non-boolean read-only", () => {
    expect(errorsOf({ type: "keepass" })).toEqual({
      type: "type must be one of aws-secret-manager, azure-key-vault, google-secret-manager, vault",
    });
    expect(Object.keys(errorsOf({ type: "vault" }))).toEqual(["vault"]);
    expect(Object.keys(errorsOf({ ...FULL.vault, "read-only": "yes" }))).toEqual(["read-only"]);
  });

  it("reports errors by dotted path from the document root", () => {
    expect(errorsOf({ type: "vault", vault: { address: "vault.acme.test", token: { token: "t" } } })).toEqual({
      "vault.address": "Must be an http:// or https:// URL",
    });
    expect(
      Object.keys(errorsOf({ type: "vault", vault: { address: "https://v.test", token: { token: "" } } })),
    ).toEqual(["vault.token.token"]);
  });
});

describe("unknown keys", () => {
  const withUnknown = {
    ...FULL.vault,
    colour: "blue",
    vault: { ...(FULL.vault.vault as object), tokn: "typo", token: { token: "t", ttl: 5 } },
  };

  it("are errors for forms, each with its path", () => {
    const r = parseForm(withUnknown);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual(
      expect.arrayContaining([
        { path: "colour", message: "Unknown key 'colour'" },
        { path: "vault.tokn", message: "Unknown key 'tokn'" },
        { path: "vault.token.ttl", message: "Unknown key 'ttl'" },
      ]),
    );
    expect(!r.ok && r.errors).toHaveLength(3);
  });

  it("are warnings for the configuration file, and stripped from the document", () => {
    const r = parseFile(withUnknown);
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        { path: "colour", message: "Unknown key 'colour'" },
        { path: "vault.tokn", message: "Unknown key 'tokn'" },
        { path: "vault.token.ttl", message: "Unknown key 'ttl'" },
      ]),
    );
    const doc = r.ok ? r.document : ({} as ConfigDocument);
    expect(doc).not.toHaveProperty("colour");
    expect(doc.vault).not.toHaveProperty("tokn");
    expect(doc.vault?.token).toEqual({ token: "t" });
  });

  it("still fail the file when there are real errors too, keeping the unknown keys as warnings", () => {
    const r = parseFile({ ...withUnknown, vault: { ...withUnknown.vault, address: "ftp://v.test" } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([{ path: "vault.address", message: "Must be an http:// or https:// URL" }]);
    expect(r.warnings.map((w) => w.path).sort()).toEqual(["colour", "vault.token.ttl", "vault.tokn"]);
  });

  it("does not modify the caller's object", () => {
    const input = structuredClone(withUnknown);
    parseFile(input);
    expect(input).toEqual(withUnknown);
  });
});

describe("incomplete settings (what the seed's snippets leave out)", () => {
  const stub = {
    type: "google-secret-manager",
    "google-secret-manager": { project: "acme-prod", "service-account": "Paste the key here." },
  };

  it("are errors in forms", () => {
    expect(errorsOf(stub)).toEqual({
      "google-secret-manager.service-account":
        "Must be the JSON key file of a service account; the backend cannot authenticate until it is replaced",
    });
  });

  it("are warnings in the configuration file, and the value is kept", () => {
    const r = parseFile(stub);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual(["google-secret-manager.service-account"]);
    expect(r.ok && r.document["google-secret-manager"]?.["service-account"]).toBe("Paste the key here.");
  });

  it("can be chosen separately from unknown keys", () => {
    expect(parseConfigDocument(stub, { unknownKeys: "error", incomplete: "warn" }).ok).toBe(true);
    expect(parseConfigDocument(stub, { unknownKeys: "warn", incomplete: "error" }).ok).toBe(false);
  });
});

describe("credentials", () => {
  it("lists each type's credential paths", () => {
    expect(credentialPathsOf("aws-secret-manager")).toEqual([
      "aws-secret-manager.secret-key-id",
      "aws-secret-manager.session-token",
      "aws-secret-manager.web-identity-token-file",
    ]);
    expect(credentialPathsOf("azure-key-vault")).toEqual([
      "azure-key-vault.clientSecret.clientSecret",
      "azure-key-vault.workloadIdentity.tokenFile",
    ]);
    expect(credentialPathsOf("google-secret-manager")).toEqual(["google-secret-manager.service-account"]);
    expect(credentialPathsOf("vault")).toEqual([
      "vault.token.token",
      "vault.password.password",
      "vault.app-role.secret-id",
      "vault.jwt.token",
      "vault.jwt.token-file",
      "vault.kubernetes.token-file",
    ]);
  });

  const vaultVariants = {
    password: {
      type: "vault",
      vault: { address: "https://v.test", password: { user: "ops", password: "CANARY-vault-password" } },
    },
    "app-role": {
      type: "vault",
      vault: { address: "https://v.test", "app-role": { "role-id": "role-1", "secret-id": "CANARY-vault-secret-id" } },
    },
  };
  const documents = Object.entries({
    ...FULL,
    ...Object.fromEntries(Object.entries(vaultVariants).map(([k, v]) => [`vault ${k}`, v])),
  });

  it.each(documents)(
    "%s: the settings half holds no credential, and merging gives the document back",
    (_name, input) => {
      const r = parseForm(input);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const { settings, credentials } = splitCredentials(r.document);
      const canaries = JSON.stringify(input).match(/CANARY-[a-z-]+/g) ?? [];
      expect(canaries.length).toBeGreaterThan(0);
      const settingsText = JSON.stringify(settings);
      for (const canary of canaries) {
        expect(settingsText).not.toContain(canary);
        expect(Object.values(credentials).join("\n")).toContain(canary);
      }
      for (const path of Object.keys(credentials)) expect(credentialPathsOf(r.document.type)).toContain(path);
      expect(mergeCredentials(settings, credentials)).toEqual(r.document);
      expect(parseForm(mergeCredentials(settings, credentials))).toEqual(r);
    },
  );

  it("keeps identifiers (access key id, user, role id) in the settings", () => {
    const aws = splitCredentials((parseForm(FULL["aws-secret-manager"]) as { document: ConfigDocument }).document);
    expect(aws.settings["aws-secret-manager"]).toMatchObject({ "access-key-id": "AKIAEXAMPLE", region: "eu-west-3" });
    const vault = splitCredentials((parseForm(vaultVariants.password) as { document: ConfigDocument }).document);
    expect(vault.settings.vault).toMatchObject({ password: { user: "ops" } });
    expect(vault.credentials).toEqual({ "vault.password.password": "CANARY-vault-password" });
  });

  it("does not modify the document it splits", () => {
    const doc = (parseForm(FULL.vault) as { document: ConfigDocument }).document;
    const before = structuredClone(doc);
    splitCredentials(doc);
    expect(doc).toEqual(before);
  });
});
