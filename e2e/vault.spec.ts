import nodeVault from "node-vault";
import { startEmulators, stopEmulators } from "../tests/support/emulators";
import { createNamespace, createTenant, expect, saveManagerForm, test } from "./fixtures";

// HashiCorp Vault (OpenBao): entries under root-engine/secret-path-prefix are secrets, fields are subkeys.
const PASSWORD_CANARY = "CANARY-vault-db-password-3c";
const WRITTEN_CANARY = "CANARY-vault-written-77";

test.beforeAll(() => {
  startEmulators(["vault"]);
});

const root = () =>
  nodeVault({ endpoint: process.env.KEYHOLD_VAULT_ADDR!, token: process.env.KEYHOLD_VAULT_TOKEN!, apiVersion: "v1" });

test("vault: read-only entries with subkeys and lock icons, managed writes, then unreachable when stopped", async ({
  page,
  recorder,
  shot,
}) => {
  test.setTimeout(120_000);
  const vault = root();
  await vault.write("secret/data/app1/db", { data: { DATABASE_USERNAME: "app", DATABASE_PASSWORD: PASSWORD_CANARY } });
  await vault.write("secret/data/app1/api", { data: { API_TOKEN: "tok-abcdef12", keys: "k1,k2" } });
  await vault.write("secret/data/app2/config", { data: { value: "elsewhere" } });

  await createTenant(page, "t-vault");
  await createNamespace(page, "t-vault", "company.team");
  await page.goto("/tenants/t-vault/namespaces/company/edit");
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await page.getByLabel("Address").fill(process.env.KEYHOLD_VAULT_ADDR!);
  await page.getByLabel("Secret path prefix").fill("app1");
  await page.getByLabel("Vault token").fill(process.env.KEYHOLD_VAULT_TOKEN!);
  await saveManagerForm(page);

  await page.goto("/tenants/t-vault/namespaces/company/secrets");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);
  // KV v2 tells field names from its subkeys endpoint: shown without a click and without reading a value.
  await expect(page.locator('tr[data-secret-key="db"]')).toContainText("DATABASE_PASSWORD, DATABASE_USERNAME");
  await expect(page.locator('tr[data-secret-key="api"]')).toContainText("API_TOKEN, keys");
  await expect(page.getByRole("button", { name: /^Show subkeys of / })).toHaveCount(0);
  await expect(page.getByTestId("lock-icon")).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Create New Secret" })).toHaveCount(0);
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  await shot("secrets-vault-read-only");

  const expression = page.getByRole("textbox", { name: "Check an expression" });
  await expression.fill("{{ secret('api', subkey='API_TOKEN') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText(
    "Resolves, 12 characters, from company (HashiCorp Vault).",
  );
  await expression.fill("{{ secret('db', subkey='NOPE') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText("Cannot find secret sub-key 'NOPE' in secret 'db'.");

  await page.goto("/tenants/t-vault/namespaces/company.team/secrets");
  await expect(page.locator('tr[data-secret-key="db"] [data-testid="inherited-from"]')).toHaveText(
    "inherited from company",
  );

  // Managed mode: Keyhold writes under app1/TENANT/NAMESPACE/KEY.
  await page.goto("/tenants/t-vault/namespaces/company/edit");
  await page.getByRole("switch", { name: "Read-only" }).click();
  await saveManagerForm(page, "version 2");
  await page.goto("/tenants/t-vault/namespaces/company/secrets");
  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("NEW_KEY");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill(WRITTEN_CANARY);
  await page.getByRole("dialog").getByLabel("Description").fill("made in keyhold");
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  await expect(page.locator('tr[data-secret-key="NEW_KEY"]')).toBeVisible();
  const path = "secret/data/app1/t-vault/company/NEW_KEY";
  expect((await vault.read(path)).data.data).toEqual({ value: WRITTEN_CANARY });

  await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Edit NEW_KEY" }).click();
  await page.getByRole("dialog").getByLabel("Description").fill("described again");
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Updated NEW_KEY (description and tags).");
  expect((await vault.read(path)).data.data).toEqual({ value: WRITTEN_CANARY });

  await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Edit NEW_KEY" }).click();
  await page.getByRole("switch", { name: "Replace value" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill("second");
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Updated NEW_KEY (value replaced).");
  expect((await vault.read(path)).data.data).toEqual({ value: "second" });
  await shot("secrets-vault-writable");

  await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Delete NEW_KEY" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete NEW_KEY" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Deleted NEW_KEY.");
  await expect(vault.read(path)).rejects.toMatchObject({ response: { statusCode: 404 } });

  for (const canary of [PASSWORD_CANARY, WRITTEN_CANARY, "tok-abcdef12"]) {
    expect(await recorder.containing(canary), `responses containing ${canary}`).toEqual([]);
  }

  // Stop the server: verify says unreachable, the list shows the error, the rest of the console works.
  stopEmulators(["vault"]);
  try {
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "unreachable");
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(page.getByTestId("secrets-error").first()).toContainText("unreachable");
    await shot("secrets-vault-unreachable");
    await page.getByRole("link", { name: "Overview" }).first().click();
    await expect(page.getByTestId("tenant-backend")).toBeVisible();
  } finally {
    startEmulators(["vault"]);
  }
});
