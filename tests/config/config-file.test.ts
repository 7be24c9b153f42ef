import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigFileError, loadConfigFile, parseConfigFile } from "../../lib/config/config-file";

const FILE = "/etc/keyhold/keyhold.yaml";

/** The message of the ConfigFileError that `fn` throws (fails the test if it throws nothing or something else). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigFileError");
}

// Verbatim from ../shared/spec/read-only-secret-manager.md, in page order.
const SEED = {
  aws: `kestra:
  secret:
    type: aws-secret-manager
    read-only: true
    aws-secret-manager:
      access-key-id: mysuperaccesskey
      secret-key-id: mysupersecretkey
      region: us-east-1
`,
  azure: `kestra:
  secret:
    type: azure-key-vault
    read-only: true
    azure-key-vault:
      clientSecret:
        tenantId: "id"
        clientId: "id"
        clientSecret: "secret"
`,
  gcp: `kestra:
  secret:
    type: google-secret-manager
    read-only: true
    google-secret-manager:
      project: gcp-project-id
      service-account: |
        Paste the contents of the service account JSON key file here.
`,
  vaultFragment: `address: https://my-vault:8200/
root-engine: secret
secret-path-prefix: app1
token:
  token: my-vault-access-token
`,
  awsTags: `kestra:
  secret:
    type: aws-secret-manager
    read-only: true
    aws-secret-manager:
      filter-on-tags:
        tags:
          application: kestra-production
`,
  azureTags: `kestra:
  secret:
    type: azure-key-vault
    read-only: true
    azure-key-vault:
      filter-on-tags:
        tags:
          application: kestra-production
`,
  gcpTags: `kestra:
  secret:
    type: google-secret-manager
    read-only: true
    google-secret-manager:
      filter-on-tags:
        tags:
          application: kestra-production
`,
  awsPrefix: `kestra:
  secret:
    type: aws-secret-manager
    read-only: true
    aws-secret-manager:
      filter-on-prefix:
        prefix: prod_
        keep-prefix: true
`,
};

const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);
const VAULT_WRAPPED = `kestra:\n  secret:\n    type: vault\n    vault:\n${indent(SEED.vaultFragment, "      ")}`;

describe("the seed document's snippets load unchanged", () => {
  const SPEC = path.resolve("../shared/spec/read-only-secret-manager.md");
  it.skipIf(!existsSync(SPEC))("the copies above are verbatim", () => {
    const spec = readFileSync(SPEC, "utf8");
    for (const snippet of Object.values(SEED)) expect(spec).toContain("```yaml\n" + snippet + "```");
  });

  it("AWS with static keys: the secret key is split out as a credential", () => {
    const r = parseConfigFile(SEED.aws, FILE, {});
    expect(r.warnings).toEqual([]);
    expect(r.backend).toEqual({
      file: FILE,
      settings: {
        type: "aws-secret-manager",
        "read-only": true,
        "aws-secret-manager": { "access-key-id": "mysuperaccesskey", region: "us-east-1", prefix: "kestra" },
      },
      credentials: { "aws-secret-manager.secret-key-id": "mysupersecretkey" },
    });
  });

  it("Azure with a client secret but no vault: loads, and warns at the section's line", () => {
    const r = parseConfigFile(SEED.azure, FILE, {});
    expect(r.backend?.settings).toEqual({
      type: "azure-key-vault",
      "read-only": true,
      "azure-key-vault": {
        clientSecret: { tenantId: "id", clientId: "id" },
        prefix: "kestra",
        "disable-challenge-resource-verification": false,
      },
    });
    expect(r.backend?.credentials).toEqual({ "azure-key-vault.clientSecret.clientSecret": "secret" });
    expect(r.warnings).toEqual([
      `${FILE}:5: kestra.secret.azure-key-vault.vault-name: no vault name or vault URI: the backend cannot connect until one is given`,
    ]);
  });

  it("Google with the placeholder service account: loads, keeps the text as a credential, and warns that it is not a key", () => {
    const r = parseConfigFile(SEED.gcp, FILE, {});
    expect(r.backend?.settings).toEqual({
      type: "google-secret-manager",
      "read-only": true,
      "google-secret-manager": { project: "gcp-project-id", prefix: "kestra" },
    });
    expect(r.backend?.credentials).toEqual({
      "google-secret-manager.service-account": "Paste the contents of the service account JSON key file here.",
    });
    expect(r.warnings).toEqual([
      `${FILE}:7: kestra.secret.google-secret-manager.service-account: Must be the JSON key file of a service account; the backend cannot authenticate until it is replaced`,
    ]);
  });

  it("the Vault fragment, under kestra.secret.vault with type vault", () => {
    const r = parseConfigFile(VAULT_WRAPPED, FILE, {});
    expect(r.warnings).toEqual([]);
    expect(r.backend?.settings).toEqual({
      type: "vault",
      "read-only": false,
      vault: {
        address: "https://my-vault:8200/",
        "root-engine": "secret",
        "secret-path-prefix": "app1",
        "engine-version": 2,
        token: {},
      },
    });
    expect(r.backend?.credentials).toEqual({ "vault.token.token": "my-vault-access-token" });
  });

  it.each([
    ["awsTags", "aws-secret-manager", "region"],
    ["azureTags", "azure-key-vault", "vault-name"],
    ["gcpTags", "google-secret-manager", "project"],
  ] as const)(
    "filter-on-tags (%s): loads with the tag filter, and warns about the missing %s",
    (name, type, missing) => {
      const r = parseConfigFile(SEED[name], FILE, {});
      expect(r.backend?.settings).toEqual({
        type,
        "read-only": true,
        [type]: {
          "filter-on-tags": { tags: { application: "kestra-production" } },
          prefix: "kestra",
          // Azure's schema spells out its one boolean default.
          ...(type === "azure-key-vault" ? { "disable-challenge-resource-verification": false } : {}),
        },
      });
      expect(r.backend?.credentials).toEqual({});
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(new RegExp(`^${FILE}:5: kestra\\.secret\\.${type}\\.${missing}: `));
    },
  );

  it("filter-on-prefix with keep-prefix", () => {
    const r = parseConfigFile(SEED.awsPrefix, FILE, {});
    expect(r.backend?.settings["aws-secret-manager"]).toEqual({
      "filter-on-prefix": { prefix: "prod_", "keep-prefix": true },
      prefix: "kestra",
    });
  });
});

describe("file shapes", () => {
  it("loads the same backend with or without the kestra: root", () => {
    const withoutRoot = VAULT_WRAPPED.replace(/^kestra:\n/, "").replace(/^ {2}/gm, "");
    expect(withoutRoot.startsWith("secret:\n  type: vault\n")).toBe(true);
    expect(parseConfigFile(withoutRoot, FILE, {}).backend).toEqual(parseConfigFile(VAULT_WRAPPED, FILE, {}).backend);
  });

  it("ignores the rest of a Kestra configuration around kestra.secret", () => {
    const r = parseConfigFile(
      `datasources:\n  postgres:\n    url: jdbc:postgresql://db\n${SEED.aws.replace("kestra:\n", "kestra:\n  server:\n    basic-auth:\n      enabled: true\n")}`,
      FILE,
      {},
    );
    expect(r.backend?.settings.type).toBe("aws-secret-manager");
    expect(r.warnings).toEqual([]);
  });

  it("refuses a file without a secret section, naming the key it looked for", () => {
    expect(errorOf(() => parseConfigFile("kestra:\n  server: {}\n", FILE, {}))).toMatch(
      new RegExp(`^${FILE}:1: kestra\\.secret: expected the secrets backend section`),
    );
    expect(errorOf(() => parseConfigFile("other: 1\n", FILE, {}))).toMatch(
      /: secret: expected the secrets backend section/,
    );
  });
});

describe("environment references", () => {
  const yaml = `kestra:
  secret:
    type: vault
    vault:
      address: \${VAULT_ADDR}
      root-engine: \${VAULT_ENGINE:-kv}
      secret-path-prefix: teams/\${TEAM}/apps
      token:
        token: \${VAULT_TOKEN}
`;

  it("resolves ${NAME} and ${NAME:-default}, also inside longer text", () => {
    const r = parseConfigFile(yaml, FILE, {
      VAULT_ADDR: "https://vault.internal:8200",
      TEAM: "data",
      VAULT_TOKEN: "hvs.from-env",
    });
    expect(r.backend?.settings.vault).toMatchObject({
      address: "https://vault.internal:8200",
      "root-engine": "kv",
      "secret-path-prefix": "teams/data/apps",
    });
    expect(r.backend?.credentials).toEqual({ "vault.token.token": "hvs.from-env" });
  });

  it("prefers the variable over the default, even when it is empty", () => {
    const env = { VAULT_ADDR: "https://v.test", TEAM: "t", VAULT_TOKEN: "x" };
    expect(
      parseConfigFile(yaml, FILE, { ...env, VAULT_ENGINE: "secret-v2" }).backend?.settings.vault?.["root-engine"],
    ).toBe("secret-v2");
  });

  it("names the file, the line and the variable when one is not set", () => {
    expect(errorOf(() => parseConfigFile(yaml, FILE, { VAULT_ADDR: "https://v.test", TEAM: "t" }))).toBe(
      `${FILE}:9: kestra.secret.vault.token.token: environment variable VAULT_TOKEN is not set`,
    );
    expect(errorOf(() => parseConfigFile(yaml, FILE, {}))).toBe(
      [
        `${FILE}:5: kestra.secret.vault.address: environment variable VAULT_ADDR is not set`,
        `${FILE}:7: kestra.secret.vault.secret-path-prefix: environment variable TEAM is not set`,
        `${FILE}:9: kestra.secret.vault.token.token: environment variable VAULT_TOKEN is not set`,
      ].join("\n"),
    );
  });

  it("does not expand references inside a variable's value", () => {
    const r = parseConfigFile(yaml, FILE, { VAULT_ADDR: "https://v.test", TEAM: "t", VAULT_TOKEN: "${HOME}" });
    expect(r.backend?.credentials["vault.token.token"]).toBe("${HOME}");
  });
});

describe("errors name the file, the line and the key", () => {
  it("an invalid region", () => {
    const source = SEED.aws.replace("region: us-east-1", "region: 12");
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toBe(
      `${FILE}:8: kestra.secret.aws-secret-manager.region: Invalid input: expected string, received number`,
    );
  });

  it("a bad vault address", () => {
    const source = VAULT_WRAPPED.replace("address: https://my-vault:8200/", "address: my-vault:8200");
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toBe(
      `${FILE}:5: kestra.secret.vault.address: Must be an http:// or https:// URL`,
    );
  });

  it("without the kestra: root, the key path has no kestra. either", () => {
    const source = "secret:\n  type: vault\n  vault:\n    address: nope\n    token:\n      token: t\n";
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toBe(
      `${FILE}:4: secret.vault.address: Must be an http:// or https:// URL`,
    );
  });

  it("a missing key points at its parent key's line (vault:)", () => {
    const source = "kestra:\n  secret:\n    type: vault\n    vault:\n      address: https://v.test\n";
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toBe(
      `${FILE}:4: kestra.secret.vault.token: Choose an auth method: token, password (userpass), app-role, jwt or kubernetes`,
    );
  });

  it("an unknown type", () => {
    expect(errorOf(() => parseConfigFile("kestra:\n  secret:\n    type: keepass\n", FILE, {}))).toMatch(
      new RegExp(`^${FILE}:3: kestra\\.secret\\.type: type must be one of`),
    );
  });

  it("several errors, one a line", () => {
    const source =
      "kestra:\n  secret:\n    type: vault\n    read-only: maybe\n    vault:\n      address: nope\n      token:\n        token: t\n";
    expect(errorOf(() => parseConfigFile(source, FILE, {})).split("\n")).toEqual([
      `${FILE}:4: kestra.secret.read-only: Must be true or false`,
      `${FILE}:6: kestra.secret.vault.address: Must be an http:// or https:// URL`,
    ]);
  });

  it("invalid YAML names its line", () => {
    const source =
      "kestra:\n  secret:\n    type: vault\n    vault:\n      address: [unclosed\n      token: {token: t}\n";
    // The parser notices the unclosed flow sequence where the next line starts.
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toMatch(new RegExp(`^${FILE}:6: invalid YAML: `));
    const tabs = "kestra:\n  secret:\n\ttype: vault\n";
    expect(errorOf(() => parseConfigFile(tabs, FILE, {}))).toMatch(new RegExp(`^${FILE}:3: invalid YAML: `));
  });

  it("a duplicated key is invalid YAML, at its line", () => {
    const source = SEED.aws.replace("region: us-east-1", "region: us-east-1\n      region: eu-west-1");
    expect(errorOf(() => parseConfigFile(source, FILE, {}))).toMatch(
      new RegExp(`^${FILE}:9: invalid YAML: .*[Mm]ap keys must be unique`),
    );
  });
});

describe("unknown keys", () => {
  it("are warnings with file, line and key, and the rest still loads", () => {
    const source = `kestra:
  secret:
    type: vault
    colour: blue
    vault:
      address: https://v.test
      tokn: typo
      token:
        token: t
`;
    const r = parseConfigFile(source, FILE, {});
    expect(r.backend?.settings.vault).toMatchObject({ address: "https://v.test" });
    expect(r.backend?.settings).not.toHaveProperty("colour");
    expect(r.backend?.settings.vault).not.toHaveProperty("tokn");
    expect([...r.warnings].sort()).toEqual([
      `${FILE}:4: kestra.secret.colour: Unknown key 'colour'`,
      `${FILE}:7: kestra.secret.vault.tokn: Unknown key 'tokn'`,
    ]);
  });
});

describe("credentials are kept apart from settings", () => {
  it("for every credential of a Vault app-role and an AWS session", () => {
    const vault = parseConfigFile(
      "secret:\n  type: vault\n  vault:\n    address: https://v.test\n    app-role:\n      role-id: r-1\n      secret-id: CANARY-secret-id\n",
      FILE,
      {},
    );
    expect(JSON.stringify(vault.backend?.settings)).not.toContain("CANARY");
    expect(vault.backend?.settings.vault?.["app-role"]).toEqual({ path: "approle", "role-id": "r-1" });
    expect(vault.backend?.credentials).toEqual({ "vault.app-role.secret-id": "CANARY-secret-id" });

    const aws = parseConfigFile(
      SEED.aws.replace("region: us-east-1", "region: us-east-1\n      session-token: CANARY-session"),
      FILE,
      {},
    );
    expect(JSON.stringify(aws.backend?.settings)).not.toContain("CANARY");
    expect(JSON.stringify(aws.backend?.settings)).not.toContain("mysupersecretkey");
    expect(aws.backend?.credentials).toEqual({
      "aws-secret-manager.secret-key-id": "mysupersecretkey",
      "aws-secret-manager.session-token": "CANARY-session",
    });
  });
});

describe("loadConfigFile", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "keyhold-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the file named by KEYHOLD_CONFIG_FILE, and reports its absolute path", () => {
    const file = path.join(dir, "keyhold.yaml");
    writeFileSync(file, SEED.aws);
    const r = loadConfigFile({ KEYHOLD_CONFIG_FILE: file });
    expect(r.backend?.file).toBe(file);
    expect(r.backend?.settings.type).toBe("aws-secret-manager");
  });

  it("names the file in errors", () => {
    const file = path.join(dir, "broken.yaml");
    writeFileSync(file, SEED.aws.replace("region: us-east-1", "region: 12"));
    expect(errorOf(() => loadConfigFile({ KEYHOLD_CONFIG_FILE: file }))).toMatch(
      new RegExp(`^${file}:8: kestra\\.secret\\.aws-secret-manager\\.region: `),
    );
  });

  it("refuses a named file that does not exist", () => {
    const file = path.join(dir, "missing.yaml");
    expect(errorOf(() => loadConfigFile({ KEYHOLD_CONFIG_FILE: file }))).toBe(
      `${file}: configuration file not found (KEYHOLD_CONFIG_FILE)`,
    );
  });

  it("without KEYHOLD_CONFIG_FILE, reads ./keyhold.yaml when it exists and is silent when it does not", () => {
    const cwd = process.cwd();
    const work = mkdtempSync(path.join(dir, "cwd-"));
    try {
      process.chdir(work);
      expect(loadConfigFile({})).toEqual({ backend: null, warnings: [] });
      writeFileSync(path.join(work, "keyhold.yaml"), VAULT_WRAPPED);
      expect(loadConfigFile({ KEYHOLD_CONFIG_FILE: "  " }).backend?.file).toBe(path.join(work, "keyhold.yaml"));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("configuration file edge cases", () => {
  it("reads booleans and numbers given through ${ENV} references", () => {
    const yaml = [
      "secret:",
      "  type: vault",
      "  read-only: ${RO}",
      "  vault:",
      "    address: https://v:8200",
      "    engine-version: ${V}",
      "    token:",
      "      token: t",
    ].join("\n");
    const { backend } = parseConfigFile(yaml, "/etc/k.yaml", { RO: "true", V: "1" });
    expect(backend?.settings["read-only"]).toBe(true);
    expect((backend?.settings.vault as Record<string, unknown>)["engine-version"]).toBe(1);
  });

  it("treats an empty file as no global backend, with a warning", () => {
    const result = parseConfigFile("# nothing here\n", "/etc/k.yaml", {});
    expect(result.backend).toBeNull();
    expect(result.warnings).toEqual(["/etc/k.yaml: the file is empty; no global backend is configured"]);
  });
});

describe("keyhold.egress", () => {
  const withEgress = (lists: string) => `${SEED.aws}keyhold:\n  egress:\n${lists}`;

  it("reads allow and deny lists next to kestra.secret, keeping the backend", () => {
    const r = parseConfigFile(
      withEgress("    allow:\n      - 127.0.0.1:8200\n      - vault.corp.example\n    deny:\n      - 10.0.0.0/8\n"),
      FILE,
      {},
    );
    expect(r.egress).toEqual({ allow: ["127.0.0.1:8200", "vault.corp.example"], deny: ["10.0.0.0/8"] });
    expect(r.backend?.settings.type).toBe("aws-secret-manager");
    expect(r.warnings).toEqual([]);
  });

  it("a file may hold only Keyhold's own settings: the builtin store serves", () => {
    const r = parseConfigFile("keyhold:\n  egress:\n    allow: ['${VAULT_HOSTPORT}']\n", FILE, {
      VAULT_HOSTPORT: "127.0.0.1:8200",
    });
    expect(r).toEqual({ backend: null, egress: { allow: ["127.0.0.1:8200"], deny: [] }, warnings: [] });
  });

  it("a bad entry stops start-up at its line, naming the entry", () => {
    expect(
      errorOf(() => parseConfigFile(withEgress("    deny:\n      - 10.0.0.0/8\n      - 10.1.0.0/8\n"), FILE, {})),
    ).toBe(`${FILE}:13: keyhold.egress.deny[1]: '10.1.0.0/8' has bits set after the prefix; write the network address`);
    expect(errorOf(() => parseConfigFile(withEgress("    allow: 127.0.0.1\n"), FILE, {}))).toBe(
      `${FILE}:11: keyhold.egress.allow: expected a list of addresses, CIDRs and host names`,
    );
    expect(errorOf(() => parseConfigFile("keyhold:\n  egress: [1]\n", FILE, {}))).toBe(
      `${FILE}:2: keyhold.egress: expected allow and deny lists`,
    );
  });

  it("unknown keys are warnings", () => {
    const r = parseConfigFile(withEgress("    alow: []\n"), FILE, {});
    expect(r.egress).toEqual({ allow: [], deny: [] });
    expect(r.warnings).toEqual([`${FILE}:11: keyhold.egress.alow: Unknown key 'alow'`]);
  });
});

describe("keyless methods, in the file with the form's keys", () => {
  const load = (yaml: string) => {
    const { backend, warnings } = parseConfigFile(yaml, FILE, {});
    expect(warnings).toEqual([]);
    return { settings: backend?.settings, credentials: backend?.credentials };
  };

  it("AWS: a role from the keys with an external id, and a web identity whose token file is a credential", () => {
    const keys = load(
      "secret:\n  type: aws-secret-manager\n  aws-secret-manager:\n    region: eu-west-1\n    access-key-id: AKIDEXAMPLE\n" +
        "    secret-key-id: CANARY-secret\n    role-arn: arn:aws:iam::123456789012:role/keyhold-read\n    external-id: acme\n",
    );
    expect(keys.settings?.["aws-secret-manager"]).toMatchObject({
      "role-arn": "arn:aws:iam::123456789012:role/keyhold-read",
      "external-id": "acme",
    });
    expect(keys.credentials).toEqual({ "aws-secret-manager.secret-key-id": "CANARY-secret" });

    const web = load(
      "secret:\n  type: aws-secret-manager\n  aws-secret-manager:\n    region: eu-west-1\n" +
        "    role-arn: arn:aws:iam::123456789012:role/keyhold-read\n    session-name: keyhold-acme\n    duration: 900\n" +
        "    web-identity-token-file: /var/run/secrets/eks/token\n    sts-endpoint-override: https://sts.eu-west-1.amazonaws.com\n",
    );
    expect(web.settings?.["aws-secret-manager"]).toMatchObject({
      "session-name": "keyhold-acme",
      duration: 900,
      "sts-endpoint-override": "https://sts.eu-west-1.amazonaws.com",
    });
    expect(JSON.stringify(web.settings)).not.toContain("/var/run/secrets/eks/token");
    expect(web.credentials).toEqual({ "aws-secret-manager.web-identity-token-file": "/var/run/secrets/eks/token" });
  });

  it("AWS: an external id with a web identity is refused at its line (AssumeRoleWithWebIdentity takes none)", () => {
    const yaml =
      "secret:\n  type: aws-secret-manager\n  aws-secret-manager:\n    region: eu-west-1\n" +
      "    role-arn: arn:aws:iam::123456789012:role/r\n    external-id: acme\n    web-identity-token-file: /t\n";
    expect(errorOf(() => parseConfigFile(yaml, FILE, {}))).toMatch(
      /^\/etc\/keyhold\/keyhold\.yaml:6: secret\.aws-secret-manager\.external-id: /,
    );
  });

  it("Azure: workload identity (token file as a credential) and a user-assigned managed identity", () => {
    const workload = load(
      "secret:\n  type: azure-key-vault\n  azure-key-vault:\n    vault-name: acme-kv\n    workloadIdentity:\n" +
        "      tenantId: t-1\n      clientId: c-1\n      tokenFile: /var/run/secrets/azure/tokens/azure-identity-token\n",
    );
    expect(workload.settings?.["azure-key-vault"]).toMatchObject({
      workloadIdentity: { tenantId: "t-1", clientId: "c-1" },
    });
    expect(workload.credentials).toEqual({
      "azure-key-vault.workloadIdentity.tokenFile": "/var/run/secrets/azure/tokens/azure-identity-token",
    });

    const managed = load(
      "secret:\n  type: azure-key-vault\n  azure-key-vault:\n    vault-name: acme-kv\n    managedIdentity:\n" +
        "      kind: user-assigned\n      clientId: c-2\n",
    );
    expect(managed.settings?.["azure-key-vault"]).toMatchObject({
      managedIdentity: { kind: "user-assigned", clientId: "c-2" },
    });
    expect(managed.credentials).toEqual({});
  });

  it("Google: impersonation with delegates, from the configured key", () => {
    const key = JSON.stringify({ type: "service_account", client_email: "k@acme.iam.gserviceaccount.com" });
    const { backend } = parseConfigFile(
      "secret:\n  type: google-secret-manager\n  google-secret-manager:\n    project: acme-prod\n" +
        `    service-account: '${key}'\n    impersonate-service-account: reader@acme-prod.iam.gserviceaccount.com\n` +
        "    delegates: [a@acme-prod.iam.gserviceaccount.com]\n",
      FILE,
      {},
    );
    expect(backend?.settings["google-secret-manager"]).toMatchObject({
      "impersonate-service-account": "reader@acme-prod.iam.gserviceaccount.com",
      delegates: ["a@acme-prod.iam.gserviceaccount.com"],
    });
    expect(Object.keys(backend?.credentials ?? {})).toEqual(["google-secret-manager.service-account"]);
  });

  it("Vault: JWT and Kubernetes logins, their token files as credentials and their mounts defaulted", () => {
    const jwt = load(
      "secret:\n  type: vault\n  vault:\n    address: https://vault.acme.test\n    jwt:\n      role: keyhold\n" +
        "      token-file: /var/run/secrets/vault/jwt\n",
    );
    expect(jwt.settings?.vault).toMatchObject({ jwt: { path: "jwt", role: "keyhold" } });
    expect(jwt.credentials).toEqual({ "vault.jwt.token-file": "/var/run/secrets/vault/jwt" });

    const kubernetes = load(
      "secret:\n  type: vault\n  vault:\n    address: https://vault.acme.test\n    kubernetes:\n      role: keyhold\n" +
        "      token-file: /var/run/secrets/kubernetes.io/serviceaccount/token\n",
    );
    expect(kubernetes.settings?.vault).toMatchObject({ kubernetes: { path: "kubernetes", role: "keyhold" } });
    expect(kubernetes.credentials).toEqual({
      "vault.kubernetes.token-file": "/var/run/secrets/kubernetes.io/serviceaccount/token",
    });
  });
});
