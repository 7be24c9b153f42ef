import { afterEach, describe, expect, it } from "vitest";
import { externalIdOf, externalIdProblem } from "../../../lib/backends/aws/config";
import { changedDestinations, identityOf, reenterMessage } from "../../../lib/backends/destination";
import {
  credentialPathsOf,
  parseConfigDocument,
  splitCredentials,
  type ConfigDocument,
} from "../../../lib/backends/document";
import { identityRefusal } from "../../../lib/managers/credential-binding";
import { tenantBoundaryErrors } from "../../../lib/managers/tenant-boundary";
import { addressAllowed, createEgressPolicy } from "../../../lib/net/egress";
import { parseAddress } from "../../../lib/net/address";

// The keyless methods' settings (the same keys in forms and the configuration file) and the rules that refuse them.

const parse = (type: string, section: Record<string, unknown>) =>
  parseConfigDocument({ type, [type]: section }, { unknownKeys: "error", incomplete: "warn" });
const errorsOf = (type: string, section: Record<string, unknown>) => {
  const r = parse(type, section);
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};
const docOf = (type: string, section: Record<string, unknown>): ConfigDocument => {
  const r = parse(type, section);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document;
};

const AWS = "aws-secret-manager";
const AZURE = "azure-key-vault";
const GCP = "google-secret-manager";
const ROLE = "arn:aws:iam::123456789012:role/keyhold";
const keys = { "access-key-id": "AKIAEXAMPLE", "secret-key-id": "secret" };
const vault = { address: "https://vault.example.com:8200" };
const saKey = JSON.stringify({
  type: "service_account",
  client_email: "a@p.iam.gserviceaccount.com",
  private_key: "k",
});

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["KEYHOLD_ALLOW_SERVER_IDENTITY", "KEYHOLD_TOKEN_FILE_DIRS"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("AWS role settings", () => {
  it("accepts a role with keys, a web identity token file, or alone, with session name and duration", () => {
    expect(errorsOf(AWS, { region: "us-east-1", ...keys, "role-arn": ROLE, "external-id": "acme:prod" })).toEqual({});
    expect(
      errorsOf(AWS, { "role-arn": ROLE, "web-identity-token-file": "/var/run/keyhold/acme/aws", duration: "3600" }),
    ).toEqual({});
    expect(docOf(AWS, { "role-arn": ROLE, "session-name": "kh-prod", duration: "900" })[AWS]).toMatchObject({
      "session-name": "kh-prod",
      duration: 900,
    });
  });

  it("refuses malformed roles and durations, role settings without a role, and mixed methods", () => {
    expect(errorsOf(AWS, { "role-arn": "arn:aws:iam::1234:user/x" })).toHaveProperty([`${AWS}.role-arn`]);
    expect(errorsOf(AWS, { "role-arn": ROLE, duration: 600 })).toEqual({ [`${AWS}.duration`]: "At least 900 seconds" });
    expect(errorsOf(AWS, { "role-arn": ROLE, duration: 50000 })).toHaveProperty([`${AWS}.duration`]);
    expect(errorsOf(AWS, { "external-id": "acme" })).toEqual({
      [`${AWS}.external-id`]: "Goes with a role to assume: give the role ARN too",
    });
    expect(errorsOf(AWS, { ...keys, "role-arn": ROLE, "web-identity-token-file": "/t" })).toHaveProperty([
      `${AWS}.web-identity-token-file`,
    ]);
    expect(errorsOf(AWS, { "role-arn": ROLE, "web-identity-token-file": "/t", "external-id": "acme" })).toEqual({
      [`${AWS}.external-id`]: "AssumeRoleWithWebIdentity takes no external id",
    });
  });

  it("the external id is the tenant id by default, and a tenant's own must start with its id and ':'", () => {
    expect(externalIdOf({}, "acme")).toBe("acme");
    expect(externalIdOf({ "external-id": "acme:prod" }, "acme")).toBe("acme:prod");
    expect(externalIdOf({}, null)).toBeUndefined();
    expect(externalIdProblem({ "external-id": "acme" }, "acme")).toBeNull();
    expect(externalIdProblem({ "external-id": "acme:prod" }, "acme")).toBeNull();
    for (const other of ["globex", "globex:acme", "acme-prod", "acmex", "ACME", " acme"])
      expect(externalIdProblem({ "external-id": other }, "acme"), other).toMatch(/must be this tenant's id \(acme\)/);
    // The configuration file's backend is the operator's own: any id.
    expect(externalIdProblem({ "external-id": "globex" }, null)).toBeNull();
  });

  it("whose identity: keys or a token file are the configuration's, a role alone is the server's", () => {
    expect(identityOf(docOf(AWS, { ...keys, "role-arn": ROLE })).kind).toBe("configured");
    expect(identityOf(docOf(AWS, { "role-arn": ROLE, "web-identity-token-file": "/t" })).kind).toBe("configured");
    const server = identityOf(docOf(AWS, { "role-arn": ROLE }));
    expect(server).toMatchObject({ kind: "ambient" });
    expect(server.label).toContain(ROLE);
  });

  it("the token file is a credential, and the STS endpoint a destination it is bound to", () => {
    expect(credentialPathsOf(AWS)).toContain(`${AWS}.web-identity-token-file`);
    const doc = docOf(AWS, { "role-arn": ROLE, "web-identity-token-file": "/t" });
    expect(splitCredentials(doc).settings[AWS]).not.toHaveProperty("web-identity-token-file");
    const moved = changedDestinations(
      AWS,
      { "sts-endpoint-override": "https://a.example" },
      {
        "sts-endpoint-override": "https://b.example",
      },
    );
    expect(moved).toEqual(["sts-endpoint-override"]);
    expect(reenterMessage(AWS, "web-identity-token-file", moved)).toBe(
      "Enter the web identity token file again: the STS endpoint changed",
    );
  });
});

describe("Azure managed and workload identity settings", () => {
  const base = { "vault-name": "my-vault" };
  it("a managed identity is system-assigned without a client id, user-assigned with one", () => {
    expect(docOf(AZURE, { ...base, managedIdentity: {} })[AZURE]).toMatchObject({
      managedIdentity: { kind: "system" },
    });
    expect(docOf(AZURE, { ...base, managedIdentity: { clientId: "abc" } })[AZURE]).toMatchObject({
      managedIdentity: { kind: "user-assigned", clientId: "abc" },
    });
    expect(errorsOf(AZURE, { ...base, managedIdentity: { kind: "user-assigned" } })).toEqual({
      [`${AZURE}.managedIdentity.clientId`]: "Give the user-assigned identity's client id",
    });
    expect(errorsOf(AZURE, { ...base, managedIdentity: { kind: "system", clientId: "abc" } })).toHaveProperty([
      `${AZURE}.managedIdentity.clientId`,
    ]);
  });

  it("workload identity needs tenant, client and token file; one method at a time", () => {
    expect(
      errorsOf(AZURE, { ...base, workloadIdentity: { tenantId: "contoso.onmicrosoft.com", clientId: "app" } }),
    ).toEqual({ [`${AZURE}.workloadIdentity.tokenFile`]: "Required" });
    expect(
      errorsOf(AZURE, {
        ...base,
        managedIdentity: {},
        workloadIdentity: { tenantId: "t.example", clientId: "app", tokenFile: "/t" },
      }),
    ).toEqual({ [`${AZURE}.workloadIdentity`]: "Choose one auth method, not managedIdentity and workloadIdentity" });
  });

  it("a managed identity is the server's own; a workload identity token file is the configuration's credential", () => {
    expect(identityOf(docOf(AZURE, { ...base, managedIdentity: {} })).kind).toBe("ambient");
    const wi = docOf(AZURE, { ...base, workloadIdentity: { tenantId: "t.example", clientId: "app", tokenFile: "/t" } });
    expect(identityOf(wi).kind).toBe("configured");
    expect(credentialPathsOf(AZURE)).toContain(`${AZURE}.workloadIdentity.tokenFile`);
    expect(changedDestinations(AZURE, wi[AZURE], { ...wi[AZURE], "authority-host": "https://evil.example" })).toEqual([
      "authority-host",
    ]);
  });
});

describe("Google impersonation settings", () => {
  it("takes the target, delegates (a list or comma-separated text) and an IAM endpoint", () => {
    expect(
      docOf(GCP, {
        "service-account": saKey,
        "impersonate-service-account": "reader@p.iam.gserviceaccount.com",
        delegates: "d1@p.iam.gserviceaccount.com, d2@p.iam.gserviceaccount.com",
      })[GCP],
    ).toMatchObject({ delegates: ["d1@p.iam.gserviceaccount.com", "d2@p.iam.gserviceaccount.com"] });
  });

  it("impersonation starts from a key; delegates go with a target", () => {
    expect(errorsOf(GCP, { "impersonate-service-account": "reader@p.iam.gserviceaccount.com" })).toEqual({
      [`${GCP}.impersonate-service-account`]: "Impersonation starts from the service-account key: give the key too",
    });
    expect(errorsOf(GCP, { "service-account": saKey, delegates: ["d@p.iam.gserviceaccount.com"] })).toHaveProperty([
      `${GCP}.delegates`,
    ]);
    expect(errorsOf(GCP, { "service-account": saKey, "impersonate-service-account": "not an email" })).toHaveProperty([
      `${GCP}.impersonate-service-account`,
    ]);
  });

  it("the IAM Credentials endpoint is a destination of the key", () => {
    expect(changedDestinations(GCP, {}, { "iam-endpoint-override": "https://iam.example" })).toEqual([
      "iam-endpoint-override",
    ]);
  });
});

describe("Vault JWT and Kubernetes settings", () => {
  it("a JWT login takes the JWT or a token file, not both, not neither", () => {
    expect(docOf("vault", { ...vault, jwt: { role: "r", token: "a.b.c" } }).vault).toMatchObject({
      jwt: { path: "jwt", role: "r" },
    });
    expect(errorsOf("vault", { ...vault, jwt: { role: "r" } })).toEqual({
      "vault.jwt.token": "Give either the JWT or the token file it is read from",
    });
    expect(errorsOf("vault", { ...vault, jwt: { role: "r", token: "a.b.c", "token-file": "/t" } })).toHaveProperty([
      "vault.jwt.token",
    ]);
    expect(errorsOf("vault", { ...vault, jwt: { role: "r", token: "t" }, token: { token: "x" } })).toEqual({
      "vault.token": "Choose one auth method, not token and jwt",
    });
  });

  it("Kubernetes auth without a token file is the server's own service account", () => {
    expect(identityOf(docOf("vault", { ...vault, kubernetes: { role: "r" } })).kind).toBe("ambient");
    expect(identityOf(docOf("vault", { ...vault, kubernetes: { role: "r", "token-file": "/t" } })).kind).toBe(
      "configured",
    );
  });

  it("JWTs and token files are credentials; the mount paths are destinations", () => {
    expect(credentialPathsOf("vault")).toEqual(
      expect.arrayContaining(["vault.jwt.token", "vault.jwt.token-file", "vault.kubernetes.token-file"]),
    );
    expect(
      changedDestinations("vault", { ...vault, jwt: { path: "jwt" } }, { ...vault, jwt: { path: "other" } }),
    ).toEqual(["jwt.path"]);
    expect(reenterMessage("vault", "kubernetes.token-file", ["address"])).toBe(
      "Enter the token file again: the address changed",
    );
  });
});

describe("refusal rules", () => {
  it("the server's identity is refused by default: managed identity, a role without keys, the pod's service account", () => {
    delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
    for (const doc of [
      docOf(AZURE, { "vault-name": "my-vault", managedIdentity: {} }),
      docOf(AWS, { "role-arn": ROLE }),
      docOf("vault", { ...vault, kubernetes: { role: "r" } }),
    ])
      expect(identityRefusal(doc, true), doc.type).toMatch(/may not use on this instance/);
    process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = "true";
    expect(identityRefusal(docOf(AWS, { "role-arn": ROLE }), false)).toMatch(/only an instance administrator/);
    expect(identityRefusal(docOf(AWS, { "role-arn": ROLE }), true)).toBeNull();
  });

  it("another tenant's external id and token files outside the tenant's directories are field errors", () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = "/var/run/keyhold/{tenant}";
    expect(tenantBoundaryErrors(docOf(AWS, { ...keys, "role-arn": ROLE, "external-id": "globex" }), "acme")).toEqual({
      [`${AWS}.external-id`]: expect.stringContaining("(acme)"),
    });
    expect(tenantBoundaryErrors(docOf(AWS, { ...keys, "role-arn": ROLE }), "acme")).toBeNull();
    const wi = (file: string) =>
      docOf(AZURE, {
        "vault-name": "my-vault",
        workloadIdentity: { tenantId: "t.example", clientId: "a", tokenFile: file },
      });
    expect(tenantBoundaryErrors(wi("/var/run/keyhold/acme/azure"), "acme")).toBeNull();
    expect(tenantBoundaryErrors(wi("/var/run/keyhold/globex/azure"), "acme")).toEqual({
      [`${AZURE}.workloadIdentity.tokenFile`]: expect.stringContaining("not in a directory the instance allows"),
    });
    const jwt = docOf("vault", { ...vault, jwt: { role: "r", "token-file": "/etc/shadow" } });
    expect(tenantBoundaryErrors(jwt, "acme")).toHaveProperty(["vault.jwt.token-file"]);
    delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
    const k8s = docOf("vault", { ...vault, kubernetes: { role: "r", "token-file": "/var/run/keyhold/acme/k8s" } });
    expect(tenantBoundaryErrors(k8s, "acme")).toEqual({
      "vault.kubernetes.token-file": expect.stringContaining("KEYHOLD_TOKEN_FILE_DIRS is not set"),
    });
  });

  it("the metadata address managed identity would use without IDENTITY_ENDPOINT is refused by the default egress policy", () => {
    expect(addressAllowed(createEgressPolicy(), parseAddress("169.254.169.254")!, 80)).toBe(false);
  });
});
