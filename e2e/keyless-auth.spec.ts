import { generateKeyPairSync, sign } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { awsEnv } from "../tests/support/backends/aws";
import { issuedKey, signer, startAwsForwarder } from "../tests/support/backends/aws-forwarder";
import { env as azureEnv } from "../tests/support/backends/azure";
import { startEntraAuthority } from "../tests/support/backends/azure-identity";
import { e2eAuthorityPort, e2eAwsForwarderPort, e2eTokenFileRoot } from "./keyless-env";
import { root } from "../tests/support/backends/vault-root";
import { emulatorEnv } from "../tests/support/emulators";
import { createTenant, expect, saveManagerForm, seriousA11yViolations, test } from "./fixtures";

// The keyless methods through the settings form, verified against their servers: an AWS role assumed at moto's STS
// (through a recording forwarder, so the spec sees the AssumeRole and which key signed each call),
// a Google service account impersonated at the fake's IAM Credentials endpoint, a Vault JWT role login on OpenBao, an
// Azure workload identity whose federated token file goes to an Entra ID authority this spec serves on loopback.

test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);

test("AWS: assume a role with an access key; the form refuses another tenant's external id", async ({ page, shot }) => {
  const tenant = `kl-aws-${run}`;
  const aws = awsEnv();
  const role = "arn:aws:iam::123456789012:role/keyhold-e2e";
  // moto signs nothing and accepts the plain key too: the forwarder shows the role was assumed and its session used.
  const fwd = await startAwsForwarder(aws.endpoint, e2eAwsForwarderPort());
  try {
    await createTenant(page, tenant);
    await page.goto(`/tenants/${tenant}/settings`);
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "AWS Secrets Manager" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Region").fill(aws.region);
    await page.getByLabel("Endpoint override", { exact: true }).fill(fwd.url);
    await page.getByRole("radio", { name: "Assume a role (access key)" }).check();
    await expect(
      page.getByText("Default: this tenant's id; put it in the trust policy as sts:ExternalId."),
    ).toBeVisible();
    await page.getByLabel("Access key id").fill(aws.accessKeyId);
    await page.getByLabel("Secret access key").fill(aws.secretAccessKey);
    await page.getByLabel("Role ARN").fill(role);
    await page.getByLabel("STS endpoint override").fill(fwd.url);

    await page.getByLabel("External id").fill("globex");
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByText(`The external id must be this tenant's id (${tenant})`)).toBeVisible();
    expect(fwd.connections(), "a refused external id was sent").toBe(0);

    await page.getByLabel("External id").fill(`${tenant}:e2e`);
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    // The role was assumed with the configured key and this tenant's external id…
    const sts = fwd.stsCalls();
    expect(sts).toHaveLength(1);
    expect(Object.fromEntries(sts[0].form)).toMatchObject({
      Action: "AssumeRole",
      RoleArn: role,
      ExternalId: `${tenant}:e2e`,
      RoleSessionName: `keyhold-${tenant}`,
    });
    expect(signer(sts[0])).toBe(aws.accessKeyId);
    // …and its session, not the configured key, signed every Secrets Manager call of the verify.
    const session = issuedKey(sts[0]);
    expect(session).toMatch(/^ASIA/);
    expect(fwd.smCalls().length).toBeGreaterThan(0);
    expect(fwd.smCalls().map(signer)).toEqual(fwd.smCalls().map(() => session));

    await saveManagerForm(page);
    await page.reload();
    await expect(page.getByRole("radio", { name: "Assume a role (access key)" })).toBeChecked();
    await expect(page.getByLabel("Role ARN")).toHaveValue(role);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await shot("keyless-aws-role");
  } finally {
    await fwd.close();
  }
});

test("Google: impersonate a service account from the configured key", async ({ page }) => {
  const tenant = `kl-gcp-${run}`;
  const source = `e2e-source-${run}@keyhold-test.iam.gserviceaccount.com`;
  const target = `e2e-reader-${run}@keyhold-test.iam.gserviceaccount.com`;
  const iam = emulatorEnv("KEYHOLD_GCP_IAM_ENDPOINT");
  // The fake enforces grants once any exists: this target may be impersonated by this source.
  await fetch(`${iam}/_keyhold/token-creators/${target}`, {
    method: "PUT",
    body: JSON.stringify({ members: [source] }),
  });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = JSON.stringify({
    type: "service_account",
    project_id: "keyhold-test",
    private_key_id: "e2e",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    client_email: source,
  });
  await createTenant(page, tenant);
  await page.goto(`/tenants/${tenant}/settings`);
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "Google Secret Manager" }).check();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await page.getByLabel("Project id").fill(emulatorEnv("KEYHOLD_GCP_PROJECT_ID"));
  await page
    .getByLabel("Endpoint override", { exact: true })
    .fill(`http://${emulatorEnv("KEYHOLD_GCP_HOST")}:${emulatorEnv("KEYHOLD_GCP_PORT")}`);
  await page.getByRole("radio", { name: "Impersonate a service account" }).check();
  await page.getByLabel("Service-account JSON key (the caller)").fill(key);
  await page.getByLabel("Service account to impersonate").fill(target);
  await page.getByLabel("IAM Credentials endpoint override").fill(iam);
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  const calls = (await (await fetch(`${iam}/_keyhold/iam-calls`)).json()) as {
    calls: { target: string; caller: string }[];
  };
  expect(calls.calls.filter((c) => c.target === target).map((c) => c.caller)).toContain(source);
});

test("Vault: JWT role login with a JWT OpenBao validates with a static key", async ({ page }) => {
  const tenant = `kl-vault-${run}`;
  const mount = `e2e-jwt-${run}`;
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const c = root();
  await c.write(`sys/auth/${mount}`, { type: "jwt" });
  await c.write(`auth/${mount}/config`, {
    jwt_validation_pubkeys: [keys.publicKey.export({ type: "spki", format: "pem" })],
  });
  await c.write(`auth/${mount}/role/keyhold`, {
    role_type: "jwt",
    bound_audiences: ["keyhold"],
    user_claim: "sub",
    token_policies: [emulatorEnv("KEYHOLD_VAULT_POLICY")],
  });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ sub: tenant, aud: "keyhold", iat: now, exp: now + 600 })}`;
  const jwt = `${head}.${sign("sha256", Buffer.from(head), keys.privateKey).toString("base64url")}`;
  try {
    await createTenant(page, tenant);
    await page.goto(`/tenants/${tenant}/settings`);
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Address").fill(emulatorEnv("KEYHOLD_VAULT_ADDR"));
    await page.getByRole("radio", { name: "JWT / OIDC role" }).check();
    await page.getByLabel("Auth mount path").fill(mount);
    await page.getByRole("textbox", { name: "Role", exact: true }).fill("keyhold");
    await page.getByRole("textbox", { name: "JWT", exact: true }).fill(jwt);
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    await saveManagerForm(page);
    await page.reload();
    await expect(page.getByRole("radio", { name: "JWT / OIDC role" })).toBeChecked();
    await expect(page.locator('[data-credential="jwt.token"]')).toContainText("Set");
    expect(await page.content()).not.toContain(jwt);
  } finally {
    await c.delete(`sys/auth/${mount}`).catch(() => undefined);
  }
});

/**
 * An Entra ID v2.0 authority on loopback (the Key Vault fake's certificate, trusted through the form's CA field) that
 * issues a token for a client assertion and records each token request: the e2e server's egress policy allows its port
 * (playwright.config.ts), so no identity call leaves the machine.
 */
const startAuthority = () =>
  startEntraAuthority(path.dirname(emulatorEnv("KEYHOLD_AZURE_CA_CERT")), e2eAuthorityPort());

test("Azure: workload identity, the federated token file sent to the configured authority", async ({ page, shot }) => {
  const tenant = `kl-azure-${run}`;
  const { vaultUrl, caPem, tenantId } = azureEnv();
  const assertion = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: tenant })).toString("base64url")}.c2ln`;
  const own = path.join(e2eTokenFileRoot(), tenant);
  const other = path.join(e2eTokenFileRoot(), `${tenant}-other`);
  mkdirSync(own, { recursive: true });
  mkdirSync(other, { recursive: true });
  writeFileSync(path.join(own, "azure-token"), `${assertion}\n`);
  writeFileSync(path.join(other, "azure-token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.b3RoZXI\n");
  const authority = await startAuthority();
  try {
    await createTenant(page, tenant);
    await page.goto(`/tenants/${tenant}/settings`);
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "Azure Key Vault" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Vault URI").fill(vaultUrl);
    await page.getByLabel("Authority host").fill(authority.url);
    await page.getByLabel("Challenge resource verification").selectOption("true");
    await page.getByLabel("CA certificate (PEM)").fill(caPem);
    await page.getByRole("radio", { name: "Workload identity" }).check();
    await page.getByLabel("Directory (tenant) id").fill(tenantId);
    await page.getByLabel("Application (client) id").fill("keyhold-e2e-wi-app");

    // Another tenant's folder is refused before anything is sent.
    await page.getByLabel("Federated token file").fill(path.join(other, "azure-token"));
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).not.toHaveAttribute("data-status", "ok");
    expect(authority.calls).toEqual([]);

    await page.getByLabel("Federated token file").fill(path.join(own, "azure-token"));
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    expect(authority.calls.length).toBeGreaterThan(0);
    expect(authority.calls[0].tenant).toBe(tenantId);
    expect(authority.calls[0].form.get("client_id")).toBe("keyhold-e2e-wi-app");
    expect(authority.calls[0].form.get("client_assertion")).toBe(assertion);
    expect(authority.calls[0].form.get("scope")).toContain("https://vault.azure.net/.default");

    await saveManagerForm(page);
    await page.reload();
    await expect(page.getByRole("radio", { name: "Workload identity" })).toBeChecked();
    // The token file's path is kept like a credential: shown as set, never sent back.
    await expect(page.getByRole("button", { name: "Replace Federated token file" })).toBeVisible();
    const html = await page.content();
    expect(html).not.toContain(assertion);
    expect(html).not.toContain(path.join(own, "azure-token"));
    await shot("keyless-azure-workload-identity");
  } finally {
    await authority.close();
    rmSync(own, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});
