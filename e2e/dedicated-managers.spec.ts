import { startRecordingServer } from "../tests/support/recording-server";
import {
  createNamespace,
  createTenant,
  expect,
  saveManagerForm,
  seriousA11yViolations,
  submitManagerForm,
  test,
} from "./fixtures";

// Canary credentials: they must never come back from the server in any form.
const VAULT_TOKEN = "hvs.CANARY-vault-token-5f1e2d";
const AWS_SECRET = "CANARY/aws+secret+key+9c8b7a";

test.describe.configure({ mode: "serial" });

test("tenants and namespaces: implied parents, validation and duplicates", async ({ page }) => {
  await createTenant(page, "acme");
  await createNamespace(page, "acme", "company.team");
  const tree = page.getByTestId("namespace-tree");
  await expect(tree.getByRole("treeitem", { name: "company", exact: true })).toBeVisible();
  await expect(tree.getByRole("treeitem", { name: "company.team" })).toBeVisible();
  await createNamespace(page, "acme", "other");

  await page.getByLabel("New namespace").fill("company.team");
  await page.getByRole("button", { name: "Create namespace" }).click();
  await expect(page.locator("#namespace-path-message")).toHaveText("This namespace already exists");

  await page.getByLabel("New namespace").fill("Bad..Name");
  await page.getByRole("button", { name: "Create namespace" }).click();
  await expect(page.locator("#namespace-path-message")).toContainText("single dots");

  await page.goto("/");
  await page.getByLabel("Tenant id").fill("acme");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByText("This id is taken")).toBeVisible();
  await page.getByLabel("Tenant id").fill("Not A Slug");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByText(/Lowercase letters, digits and dashes; start/)).toBeVisible();
});

test("configure Vault read-only on a namespace and AWS on the tenant, then check inheritance and leaks", async ({
  page,
  recorder,
  shot,
}) => {
  await page.goto("/tenants/acme/namespaces/company/edit");
  await expect(page.getByTestId("effective-backend")).toContainText("Builtin store");
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await page.getByLabel("Address").fill("https://vault.internal:8200");
  await page.getByLabel("Secret path prefix").fill("app1");
  await page.getByLabel("Vault namespace").fill("admin");
  await page.getByLabel("Vault token").fill(VAULT_TOKEN);
  await saveManagerForm(page, "version 1");

  await page.goto("/tenants/acme/settings");
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "AWS Secrets Manager" }).check();
  // The form says where the filters are applied, from the backend's declared capabilities.
  await expect(page.getByTestId("api-filters")).toHaveText(
    "AWS Secrets Manager narrows its list by one filter-on-tags pair and the name prefix; Keyhold checks every pair exactly.",
  );
  await page.getByLabel("Region").fill("eu-west-1");
  await page.getByLabel("Access key id").fill("AKIAEXAMPLEKEYID0001");
  await page.getByLabel("Secret access key").fill(AWS_SECRET);
  await page.getByLabel("Prefix", { exact: true }).fill("platform");
  await page.getByRole("button", { name: "Add" }).nth(1).click();
  await page.getByLabel("Filter on tags key 1").fill("application");
  await page.getByLabel("Filter on tags value 1").fill("kestra-production");
  await saveManagerForm(page);

  // Reload: every setting is back, credentials show as set, and the values never come back.
  await page.reload();
  await expect(page.getByRole("radio", { name: "AWS Secrets Manager" })).toBeChecked();
  await expect(page.getByLabel("Region")).toHaveValue("eu-west-1");
  await expect(page.getByLabel("Access key id")).toHaveValue("AKIAEXAMPLEKEYID0001");
  await expect(page.getByLabel("Prefix", { exact: true })).toHaveValue("platform");
  await expect(page.getByLabel("Filter on tags key 1")).toHaveValue("application");
  await expect(page.locator('[data-credential="secret-key-id"]')).toContainText("Set");
  await expect(page.getByRole("button", { name: "Replace Secret access key" })).toBeVisible();
  await expect(page.getByTestId("effective-backend")).toContainText("AWS Secrets Manager");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shot("tenant-settings-aws");

  await page.goto("/tenants/acme/namespaces/company/edit");
  await expect(page.getByRole("radio", { name: "HashiCorp Vault" })).toBeChecked();
  await expect(page.getByRole("switch", { name: "Read-only" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByLabel("Address")).toHaveValue("https://vault.internal:8200");
  await expect(page.getByLabel("Vault namespace")).toHaveValue("admin");
  await expect(page.locator('[data-credential="token.token"]')).toContainText("Set");
  await expect(page.getByTestId("effective-backend")).toContainText("Configured on this namespace");
  await expect(page.getByTestId("effective-backend").getByTestId("read-only-badge")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shot("namespace-edit-vault");

  await page.goto("/tenants/acme/namespaces/company.team");
  const team = page.getByTestId("backend-summary");
  await expect(team.getByTestId("backend-label")).toHaveText("HashiCorp Vault");
  await expect(team.getByTestId("backend-source")).toHaveText("Inherited from company");
  await expect(team.getByTestId("read-only-badge")).toBeVisible();

  await page.goto("/tenants/acme");
  await expect(page.getByTestId("tenant-backend")).toContainText("AWS Secrets Manager");
  await expect(page.locator('tr[data-namespace="other"]')).toContainText("Inherited from tenant acme");
  await expect(page.locator('tr[data-namespace="other"] [data-testid="read-only-badge"]')).toHaveCount(0);
  await expect(page.locator('tr[data-namespace="company.team"]')).toContainText("Inherited from company");
  await shot("tenant-overview");

  // Through the sidebar and a refresh, so the settings also come as an RSC payload and a namespace's list as JSON.
  await page.getByRole("navigation", { name: "Tenant" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByLabel("Access key id")).toHaveValue("AKIAEXAMPLEKEYID0001");
  await page.goto("/tenants/acme/namespaces/company.team/secrets");
  await page.getByRole("button", { name: "Refresh" }).click();
  await page.waitForLoadState("networkidle");

  for (const canary of [VAULT_TOKEN, AWS_SECRET]) {
    expect(await page.content()).not.toContain(canary);
    expect(await recorder.containing(canary), `responses containing ${canary}`).toEqual([]);
  }
  // Every kind of body was read with the saved configurations in it, so finding no canary above means something.
  await recorder.expectRead({
    html: 'value="AKIAEXAMPLEKEYID0001"',
    rsc: "AKIAEXAMPLEKEYID0001",
    action: "https://vault.internal:8200",
    json: '"sourceNamespace":"company"',
  });
});

test("a second administrator saving a stale form gets a conflict, not an overwrite", async ({ browser }) => {
  const first = await browser.newPage();
  const second = await browser.newPage();
  await first.goto("/tenants/acme/namespaces/company/edit");
  await second.goto("/tenants/acme/namespaces/company/edit");

  await first.getByLabel("Secret path prefix").fill("app2");
  await saveManagerForm(first, "version 2");

  await second.getByLabel("Secret path prefix").fill("app3");
  await submitManagerForm(second);
  await expect(second.getByTestId("form-error")).toContainText("Conflict");
  await expect(second.getByTestId("form-error")).toContainText("Someone else saved this configuration");

  await second.reload();
  await expect(second.getByLabel("Secret path prefix")).toHaveValue("app2");
  await first.close();
  await second.close();
});

test("a stored token is never sent to a changed address: the form asks for it again", async ({ page, shot }) => {
  const listener = await startRecordingServer();
  try {
    await page.goto("/tenants/acme/namespaces/company/edit");
    await expect(page.locator('[data-credential="token.token"]')).toContainText("Set");
    await expect(page.locator("#cfg-token-token-error")).toHaveCount(0);
    await page.getByLabel("Address").fill(listener.url);
    // Said as soon as the destination changes, before anything is sent.
    await expect(page.locator("#cfg-token-token-error")).toHaveText("Enter the token again: the address changed");
    await shot("namespace-edit-destination-changed");

    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toContainText("enter them again");
    await submitManagerForm(page);
    await expect(page.getByTestId("form-error")).toContainText("enter them again");
    await expect(page.locator("#cfg-token-token-error")).toHaveText("Enter the token again: the address changed");
    expect(listener.connections()).toBe(0);

    await page.reload();
    await expect(page.getByLabel("Address")).toHaveValue("https://vault.internal:8200");
  } finally {
    await listener.close();
  }
});

test("the form says whose identity a configuration uses, and refuses the server's own", async ({ page }) => {
  await page.goto("/tenants/acme/settings");
  await expect(page.getByTestId("identity")).toHaveText("Authenticates with the access key below.");
  await page.getByRole("radio", { name: "Default provider chain" }).check();
  await expect(page.getByTestId("identity")).toContainText("the server's own AWS identity");
  await submitManagerForm(page);
  await expect(page.getByTestId("form-error")).toContainText("which dedicated managers may not use on this instance");
  await page.reload();
  await expect(page.getByRole("radio", { name: "Access key", exact: true })).toBeChecked();
});

test("an invalid form shows errors next to the fields and saves nothing", async ({ page, shot }) => {
  await page.goto("/tenants/acme/namespaces/other/edit");
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
  await page.getByLabel("Address").fill("not a url");
  await page.getByRole("radio", { name: "Userpass" }).check();
  await page.getByLabel("Username").fill("ops");
  await submitManagerForm(page);
  await expect(page.getByTestId("form-error")).toContainText("nothing was saved");
  await expect(page.locator("#cfg-address-error")).toHaveText("Must be an http:// or https:// URL");
  await expect(page.locator("#cfg-password-password-error")).toHaveText("Required");
  await expect(page.getByLabel("Address")).toHaveAttribute("aria-invalid", "true");
  await shot("namespace-edit-invalid");

  await page.reload();
  await expect(page.getByRole("switch", { name: "Use a dedicated secrets manager" })).toHaveAttribute(
    "aria-checked",
    "false",
  );
  await page.goto("/tenants/acme");
  await expect(page.locator('tr[data-namespace="other"]')).toContainText("Inherited from tenant acme");
});
