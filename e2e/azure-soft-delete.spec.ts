import { startEmulators } from "../tests/support/emulators";
import { deletedNames, liveNames } from "../tests/support/backends/azure";
import { findTagged } from "../tests/support/backends/seeder";
import { azureBackend } from "./backends/azure";
import { createNamespace, createTenant, expect, saveManagerForm, seriousA11yViolations, test } from "./fixtures";

// Azure Key Vault's soft delete in the console: a deleted secret shows under "Deleted secrets" with Recover and Purge;
// each reports success only after Key Vault finished (the server's deletion and recovery take a few polls).
test.beforeAll(() => {
  startEmulators(["azure"]);
});

test("azure: delete → shown as deleted → Recover → back; delete → Purge → gone", async ({ page, recorder, shot }) => {
  test.setTimeout(120_000);
  const backend = azureBackend();
  await backend.seeder.clear();
  const tenant = "t-azure-soft";
  await createTenant(page, tenant);
  await createNamespace(page, tenant, "company");
  await page.goto(`/tenants/${tenant}/namespaces/company/edit`);
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: backend.radio }).check();
  await backend.configure(page);
  await saveManagerForm(page);

  await page.goto(`/tenants/${tenant}/namespaces/company/secrets`);
  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("SOFT_KEY");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill("CANARY-soft-delete-value-77");
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  const row = page.locator('tr[data-secret-key="SOFT_KEY"]');
  await expect(row).toBeVisible();
  const where = { namespace: "company", key: "SOFT_KEY" };
  const [name] = await liveNames();

  // Delete: the notice comes once Key Vault finished deleting; the secret is then deleted but recoverable.
  await row.getByRole("button", { name: "Delete SOFT_KEY" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete SOFT_KEY" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Deleted SOFT_KEY.");
  expect(await deletedNames()).toEqual([name]);
  await expect(row).toHaveCount(0);
  await page.getByRole("button", { name: "Show deleted" }).click();
  const deleted = page.getByTestId("deleted-row-SOFT_KEY");
  await expect(deleted).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shot("secrets-azure-deleted");

  // Creating the key again says why it cannot, instead of a bare conflict.
  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("SOFT_KEY");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill("another");
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  await expect(page.getByTestId("drawer-error")).toContainText("deleted but recoverable");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // Recover: reported once the secret is back, with its value.
  await deleted.getByRole("button", { name: "Recover SOFT_KEY" }).click();
  await expect(page.getByText("Recovered SOFT_KEY.")).toBeVisible();
  expect(await liveNames()).toEqual([name]);
  expect((await findTagged(backend.seeder, where))?.value).toBe("CANARY-soft-delete-value-77");
  await expect(row).toBeVisible();
  await expect(page.getByText("No deleted secrets in company.")).toBeVisible();

  // Delete again, then Purge (confirmed): gone from Key Vault, the name free again.
  await row.getByRole("button", { name: "Delete SOFT_KEY" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete SOFT_KEY" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Deleted SOFT_KEY.");
  await expect(deleted).toBeVisible();
  await deleted.getByRole("button", { name: "Purge SOFT_KEY" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Purge SOFT_KEY for good" }).click();
  await expect(page.getByText("Purged SOFT_KEY.")).toBeVisible();
  await expect(page.getByText("No deleted secrets in company.")).toBeVisible();
  expect(await deletedNames()).toEqual([]);
  expect(await liveNames()).toEqual([]);

  expect(await recorder.containing("CANARY-soft-delete-value-77")).toEqual([]);
});
