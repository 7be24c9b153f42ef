import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nodeVault from "node-vault";
import { startEmulators } from "../tests/support/emulators";
import { expect, test } from "./fixtures";

// These tests start their own Keyhold processes with a configuration file, beside the suite's server (next port up).
const PORT = Number(process.env.KEYHOLD_E2E_PORT ?? 3100) + 1;

test.beforeAll(() => {
  startEmulators(["vault", "aws"]);
});

// A test that times out does not reach its `finally`: stop every server it started here, so the next test's port is free.
const started: ChildProcess[] = [];
test.afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
});

function startKeyhold(configYaml: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "keyhold-config-"));
  const file = path.join(dir, "keyhold.yaml");
  writeFileSync(file, configYaml);
  const child = spawn("node", ["scripts/start.mjs"], {
    env: {
      ...process.env,
      ...env,
      PORT: String(PORT),
      KEYHOLD_DATA_DIR: path.join(dir, "data"),
      KEYHOLD_CONFIG_FILE: file,
      DATABASE_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Keyhold is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  ready.catch(() => undefined);
  return { file, child, exited, ready, output: () => output };
}

test("a broken configuration file stops start-up naming the file, the line and the key", async () => {
  const keyhold = startKeyhold(
    [
      "kestra:",
      "  secret:",
      "    type: vault",
      "    read-only: true",
      "    vault:",
      "      address: not-a-url",
      "      token:",
      "        token: t",
    ].join("\n"),
  );
  try {
    expect(await keyhold.exited).toBe(1);
    expect(keyhold.output()).toContain(
      `${keyhold.file}:6: kestra.secret.vault.address: Must be an http:// or https:// URL`,
    );
  } finally {
    keyhold.child.kill();
  }
});

test("the configuration file's backend serves tenants without their own, with ${ENV} resolved and a sharing warning", async ({
  page,
}) => {
  const yaml = [
    "secret:",
    "  type: aws-secret-manager",
    "  read-only: true",
    "  aws-secret-manager:",
    "    access-key-id: ${KH_TEST_KEY_ID}",
    "    secret-key-id: ${KH_TEST_SECRET}",
    "    region: us-east-1",
    "    endpoint-override: ${KH_AWS_ENDPOINT}",
    "    colour: blue",
  ].join("\n");
  // This server's first administrator comes from the environment, the other documented way.
  const admin = { KEYHOLD_ADMIN_EMAIL: "ops@keyhold.test", KEYHOLD_ADMIN_PASSWORD: "CANARY-admin-password-env" };
  // The file's backend is trusted (no egress policy): point it at the loopback AWS emulator so no packet leaves the machine.
  const keyhold = startKeyhold(yaml, {
    KH_TEST_KEY_ID: "AKIAFROMENV",
    KH_TEST_SECRET: "CANARY-from-env",
    KH_AWS_ENDPOINT: process.env.KEYHOLD_AWS_ENDPOINT!,
    ...admin,
  });
  try {
    await keyhold.ready;
    expect(keyhold.output()).toContain("secret.aws-secret-manager.colour: Unknown key 'colour'");
    expect(keyhold.output()).toContain('"firstAdmin":"created"');
    expect(keyhold.output()).not.toContain("CANARY-from-env");
    expect(keyhold.output()).not.toContain("CANARY-admin-password-env");
    const base = `http://localhost:${PORT}`;
    await page.goto(`${base}/setup`);
    await expect(page).toHaveURL(`${base}/login`);
    await page.getByLabel("Email").fill(admin.KEYHOLD_ADMIN_EMAIL);
    await page.getByLabel("Password").fill(admin.KEYHOLD_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(admin.KEYHOLD_ADMIN_EMAIL);
    await page.getByLabel("Tenant id").fill("filetenant");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page.getByTestId("tenant-backend")).toContainText("AWS Secrets Manager");
    await expect(page.getByTestId("tenant-backend")).toContainText("From the configuration file");
    await expect(page.getByTestId("tenant-backend").getByTestId("read-only-badge")).toBeVisible();
    await page.goto(`${base}/tenants/filetenant/settings`);
    await expect(page.getByText("Shared with every tenant")).toBeVisible();
    expect(await page.content()).not.toContain("CANARY-from-env");
  } finally {
    keyhold.child.kill("SIGINT");
    expect(await keyhold.exited).toBe(0);
  }
});

test("the file's read-only Vault: its entries belong to every tenant, and the page names the file as where read-only is set", async ({
  page,
}) => {
  const vault = nodeVault({
    endpoint: process.env.KEYHOLD_VAULT_ADDR!,
    token: process.env.KEYHOLD_VAULT_TOKEN!,
    apiVersion: "v1",
  });
  await vault.write("secret/data/file-backed/shared-db", { data: { DATABASE_URL: "postgres://file" } });
  const yaml = [
    "kestra:",
    "  secret:",
    "    type: vault",
    "    read-only: true",
    "    vault:",
    `      address: ${process.env.KEYHOLD_VAULT_ADDR}`,
    "      secret-path-prefix: file-backed",
    "      token:",
    "        token: ${KH_VAULT_TOKEN}",
  ].join("\n");
  const admin = { KEYHOLD_ADMIN_EMAIL: "ops@keyhold.test", KEYHOLD_ADMIN_PASSWORD: "an-admin-password-from-env" };
  const keyhold = startKeyhold(yaml, { KH_VAULT_TOKEN: process.env.KEYHOLD_VAULT_TOKEN!, ...admin });
  try {
    await keyhold.ready;
    const base = `http://localhost:${PORT}`;
    await page.goto(`${base}/login`);
    await page.getByLabel("Email").fill(admin.KEYHOLD_ADMIN_EMAIL);
    await page.getByLabel("Password").fill(admin.KEYHOLD_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(admin.KEYHOLD_ADMIN_EMAIL);
    // A click before the form has hydrated does nothing: try again until the tenant page shows.
    await expect(async () => {
      await page.getByLabel("Tenant id").fill("filevault");
      await page.getByRole("button", { name: "Create tenant" }).click();
      await expect(page).toHaveURL(/\/tenants\/filevault$/, { timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(async () => {
      await page.getByLabel("New namespace").fill("team");
      await page.getByRole("button", { name: "Create namespace" }).click();
      await expect(page.getByTestId("namespace-tree").getByRole("treeitem", { name: "team" })).toBeVisible({
        timeout: 3_000,
      });
    }).toPass({ timeout: 30_000 });
    await page.goto(`${base}/tenants/filevault/namespaces/team/secrets`);
    const row = page.locator('tr[data-secret-key="shared-db"]');
    await expect(row).toContainText("every tenant (configuration file)");
    await expect(page.getByTestId("read-only-hint")).toHaveText(
      /Read-only comes from the configuration file \(read-only: true\)\. To manage secrets here, set read-only: false in the file, or configure a dedicated manager for this namespace\./,
    );
  } finally {
    keyhold.child.kill("SIGINT");
    expect(await keyhold.exited).toBe(0);
    await vault.delete("secret/metadata/file-backed/shared-db").catch(() => undefined);
  }
});
