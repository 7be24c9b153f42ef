import { describe, expect, it } from "vitest";
import { KeyholdError } from "../../lib/errors";
import {
  canonicalDocument,
  envName,
  expandDocument,
  parseTenantFile,
  renderTenantFile,
  type TenantFile,
} from "../../lib/config-as-code/tenant-file";
import { renderPlan } from "../../lib/config-as-code/render-plan";
import type { Plan } from "../../lib/config-as-code/plan";

const FILE = `keyhold:
  tenant: acme
  display-name: Acme Corp
kestra:
  secret:
    type: vault
    read-only: true
    vault:
      address: https://vault.example.com:8200
      token:
        token: \${ACME_VAULT_TOKEN}
namespaces:
  company.team:
    kestra:
      secret:
        type: google-secret-manager
        google-secret-manager:
          project: demo
  other: {}
`;

function errorOf(fn: () => unknown): KeyholdError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyholdError);
    return error as KeyholdError;
  }
  throw new Error("expected an error");
}

describe("tenant file", () => {
  it("reads the tenant, every namespace with its parents, and each scope's manager with its line", () => {
    const file = parseTenantFile(FILE, "acme.yaml");
    expect(file.tenant).toBe("acme");
    expect(file.displayName).toBe("Acme Corp");
    expect(file.namespaces).toEqual(["company", "company.team", "other"]);
    expect(file.managers.map((m) => [m.namespace, m.document.type, m.line])).toEqual([
      [null, "vault", 5],
      ["company.team", "google-secret-manager", 15],
    ]);
  });

  it.each([
    ["keyhold: [", "acme.yaml:1: invalid YAML"],
    ["- a\n- b\n", "(root): expected a tenant configuration"],
    ["keyhold:\n  tenant: acme\nsecrets: {}\n", "acme.yaml:3: secrets: unknown key"],
    ["keyhold:\n  tenant: Acme!\n", "acme.yaml:2: keyhold.tenant: Lowercase letters"],
    ["keyhold:\n  display-name: x\n", "keyhold.tenant: required"],
    ["keyhold:\n  tenant: acme\nnamespaces:\n  Bad..ns: {}\n", "acme.yaml:4: namespaces.Bad..ns:"],
    [
      "keyhold:\n  tenant: acme\nnamespaces:\n  a:\n    kestra:\n      secret: 3\n",
      "acme.yaml:6: namespaces.a.kestra.secret: expected",
    ],
    ["keyhold:\n  tenant: acme\n  tenant: beta\n", "acme.yaml:3: invalid YAML"],
  ])("refuses %j with a clear error naming the line and key", (source, message) => {
    const error = errorOf(() => parseTenantFile(source, "acme.yaml"));
    expect(error.code).toBe("invalid-input");
    expect(error.message).toContain(message);
  });

  it("expands ${ENV} references and reports each missing variable", () => {
    const raw = parseTenantFile(FILE, "acme.yaml").managers[0].document;
    expect(expandDocument(raw, { ACME_VAULT_TOKEN: "hvs.1" }, "w").document).toMatchObject({
      vault: { token: { token: "hvs.1" } },
    });
    const missing = expandDocument(raw, {}, "acme.yaml:5");
    expect(missing.problems).toEqual([
      "acme.yaml:5: vault.token.token: environment variable ACME_VAULT_TOKEN is not set",
    ]);
  });

  it("refuses a credential written as a value, and names no value in the message", () => {
    const raw = { type: "vault", vault: { address: "https://v:8200", token: { token: "hvs.CANARY" } } };
    const { problems } = expandDocument(raw, {}, "f:1");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("vault.token.token: a credential must be an ${ENV} reference");
    expect(problems[0]).not.toContain("CANARY");
    // A reference with text around it is a value too.
    expect(expandDocument({ ...raw, vault: { token: { token: "x${T}" } } }, { T: "1" }, "f").problems).toHaveLength(1);
  });

  it("names credential variables after the tenant, the namespace and the credential path", () => {
    expect(envName("acme", null, "vault.token.token")).toBe("ACME_VAULT_TOKEN_TOKEN");
    expect(envName("acme-eu", "company.team", "aws-secret-manager.secret-key-id")).toBe(
      "ACME_EU_COMPANY_TEAM_AWS_SECRET_MANAGER_SECRET_KEY_ID",
    );
  });

  it("renders a file that parses back to the same tenant, in a fixed key order", () => {
    const file: TenantFile = {
      tenant: "acme",
      displayName: "Acme",
      namespaces: ["a", "a.b"],
      managers: [
        {
          namespace: "a.b",
          document: canonicalDocument({ vault: { z: 1, address: "x" }, "read-only": true, type: "vault" }),
          line: 0,
        },
      ],
    };
    const text = renderTenantFile(file);
    expect(text.indexOf("type: vault")).toBeLessThan(text.indexOf("read-only"));
    expect(text.indexOf("address")).toBeLessThan(text.indexOf("z: 1"));
    const back = parseTenantFile(text, "x.yaml");
    expect(back.namespaces).toEqual(["a", "a.b"]);
    expect(back.managers.map((m) => [m.namespace, m.document])).toEqual([["a.b", file.managers[0].document]]);
    expect(renderTenantFile({ ...back, managers: back.managers.map((m) => ({ ...m, line: 0 })) })).toBe(text);
  });
});

describe("plan text", () => {
  it("marks each action and counts them; a plan without changes says so", () => {
    const plan: Plan = {
      tenant: "acme",
      displayName: "Acme",
      fingerprint: "",
      version: "",
      namespacesToCreate: ["x"],
      changes: true,
      items: [
        { kind: "namespace", scope: "namespace x", action: "create", details: [] },
        { kind: "manager", scope: "tenant", action: "change", details: ["read-only: false → true"] },
        { kind: "manager", scope: "namespace y", action: "unchanged", details: [] },
        { kind: "manager", scope: "namespace z", action: "would disable", details: ["not in the file"] },
      ],
    };
    expect(renderPlan(plan)).toBe(
      [
        "Plan for tenant 'acme':",
        "  + namespace x: create",
        "  ~ manager tenant: change",
        "      read-only: false → true",
        "  = manager y: unchanged",
        "  - manager z: would disable",
        "      not in the file",
        "1 to create, 1 to change, 1 unchanged, 1 to disable.",
      ].join("\n"),
    );
    expect(renderPlan({ ...plan, items: [], changes: false })).toContain("No changes");
  });
});
