import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { env as azureEnv } from "../tests/support/backends/azure";
import { startAppServiceIdentity } from "../tests/support/backends/azure-identity";
import { emulatorEgressAllow } from "../tests/support/emulators";
import { expect, saveManagerForm, test } from "./fixtures";

// Azure managed identity through the settings form. A managed identity is the server's own, so this needs an instance
// that allows it (KEYHOLD_ALLOW_SERVER_IDENTITY) and an App Service identity endpoint (IDENTITY_ENDPOINT /
// IDENTITY_HEADER) set when the server starts: the suite's server has neither (dedicated-managers.spec.ts checks the
// refusal), so this spec starts its own Keyhold beside it, with the endpoint this spec serves on loopback. The identity
// library then asks that endpoint only, never the instance metadata address (169.254.169.254).

const BASE = Number(process.env.KEYHOLD_E2E_PORT ?? 3100);
const PORT = BASE + 6;
const MI_PORT = BASE + 7;
const HEADER = "kh-e2e-identity-header";
const ADMIN = { email: "mi-admin@keyhold.test", password: "CANARY-mi-admin-password" };

let child: ChildProcess | null = null;
let dir = "";
test.afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await new Promise((resolve) => child!.once("exit", resolve));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Keyhold on PORT with the identity endpoint in its environment; resolves once it listens. */
async function startKeyhold() {
  dir = mkdtempSync(path.join(tmpdir(), "keyhold-mi-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    KEYHOLD_DATA_DIR: path.join(dir, "data"),
    KEYHOLD_CONFIG_FILE: "",
    DATABASE_URL: "",
    KEYHOLD_ADMIN_EMAIL: ADMIN.email,
    KEYHOLD_ADMIN_PASSWORD: ADMIN.password,
    KEYHOLD_ALLOW_SERVER_IDENTITY: "true",
    IDENTITY_ENDPOINT: `http://127.0.0.1:${MI_PORT}/msi/token`,
    IDENTITY_HEADER: HEADER,
    // The Key Vault fake only; the server's other identities have no metadata service to find here.
    KEYHOLD_EGRESS_ALLOW: emulatorEgressAllow(),
    KEYHOLD_EGRESS_DENY: "*.internal,*.amazonaws.com,*.azure.net,*.microsoftonline.com,*.googleapis.com,*.example.com",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  // No other identity source may be picked up from the caller's environment.
  for (const k of [
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "IMDS_ENDPOINT",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    "AZURE_CLIENT_ID",
  ])
    delete env[k];
  const server = spawn("node", ["scripts/start.mjs"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child = server;
  let output = "";
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Keyhold is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    server.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`Keyhold exited with ${code}: ${output.slice(-2000)}`));
    });
  });
  return () => output;
}

/** The App Service managed-identity endpoint the spec's Keyhold is pointed at (IDENTITY_ENDPOINT), on MI_PORT. */
const startIdentityEndpoint = () => startAppServiceIdentity(HEADER, MI_PORT);

test("Azure: a managed identity, its token from the App Service endpoint on loopback", async ({ browser }) => {
  test.setTimeout(180_000);
  const identity = await startIdentityEndpoint();
  try {
    const output = await startKeyhold();
    const base = `http://localhost:${PORT}`;
    const context = await browser.newContext({ baseURL: base, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);
    await page.getByLabel("Tenant id").fill("mi");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page).toHaveURL(/\/tenants\/mi$/);

    const { vaultUrl, caPem } = azureEnv();
    await page.goto("/tenants/mi/settings");
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "Azure Key Vault" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Vault URI").fill(vaultUrl);
    await page.getByLabel("Challenge resource verification").selectOption("true");
    await page.getByLabel("CA certificate (PEM)").fill(caPem);
    await page.getByRole("radio", { name: "Managed identity (server)" }).check();
    await expect(page.getByTestId("identity")).toContainText("system-assigned managed identity");

    // System-assigned: the endpoint is asked for a Key Vault token, with the header, and no client id.
    await page.getByRole("combobox", { name: "Identity", exact: true }).selectOption("system");
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    expect(identity.calls.length).toBeGreaterThan(0);
    expect(identity.calls[0]).toMatchObject({ path: "/msi/token", header: HEADER });
    expect(identity.calls[0].query.get("resource")).toBe("https://vault.azure.net");
    expect(identity.calls.some((c) => c.query.has("client_id"))).toBe(false);

    // User-assigned: asked for by its client id; saved, it comes back after a reload.
    const clientId = "0f0f0f0f-1111-4222-8333-444444444444";
    identity.calls.length = 0;
    await page.getByRole("combobox", { name: "Identity", exact: true }).selectOption("user-assigned");
    await page.getByLabel("User-assigned client id").fill(clientId);
    await page.getByRole("button", { name: "Verify connection" }).click();
    // The first verify's result stays on the page until this one answers: wait for this one's token request and answer.
    await expect.poll(() => identity.calls.map((c) => c.query.get("client_id"))).toContain(clientId);
    await expect(page.getByRole("button", { name: "Verify connection" })).toBeEnabled();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    await saveManagerForm(page);
    await page.reload();
    await expect(page.getByRole("radio", { name: "Managed identity (server)" })).toBeChecked();
    await expect(page.getByLabel("User-assigned client id")).toHaveValue(clientId);
    await context.close();
    expect(output()).not.toContain(HEADER);
    expect(output()).not.toContain("mi-token-");
  } finally {
    await identity.close();
  }
});
