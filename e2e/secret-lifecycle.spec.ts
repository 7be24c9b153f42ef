import { startEmulators } from "../tests/support/emulators";
import { sdk as azureSdk } from "../tests/support/backends/azure";
import { azureBackend } from "./backends/azure";
import { createNamespace, createTenant, expect, saveManagerForm, seriousA11yViolations, test } from "./fixtures";

// Age and expiry on the Secrets tab, from the Azure Key Vault fake's own attributes: an expiring and a disabled
// secret shown with their badges, the "expires within 30 days" and "disabled" filters kept in the URL across a
// reload, the overview's counts linking to them, and the capability table after Verify.
const DAY = 86_400_000;

test.beforeAll(() => {
  startEmulators();
});

test("an expiring and a disabled Azure secret: badges, filters in the URL, overview counts", async ({ page, shot }) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const tenant = `life-${run}`;
  const prefix = `life${run}`;
  const tags = (key: string) => ({ namespace: "company", key, prefix });
  await azureSdk().setSecret(`${prefix}-cert`, "CANARY-life-cert", {
    tags: tags("TLS_CERT"),
    expiresOn: new Date(Date.now() + 10 * DAY),
  });
  await azureSdk().setSecret(`${prefix}-old`, "CANARY-life-old", { tags: tags("OLD_TOKEN"), enabled: false });
  await azureSdk().setSecret(`${prefix}-plain`, "CANARY-life-plain", { tags: tags("PLAIN") });

  await createTenant(page, tenant);
  await createNamespace(page, tenant, "company");
  await page.goto(`/tenants/${tenant}/namespaces/company/edit`);
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "Azure Key Vault" }).check();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await azureBackend().configure(page);
  await page.locator("#cfg-prefix").fill(prefix);
  await page.getByRole("button", { name: "Verify connection" }).click();
  const verify = page.getByTestId("verify-result");
  await expect(verify).toHaveAttribute("data-status", "ok");
  await expect(verify.locator('[data-operation="read"]')).toHaveAttribute("data-outcome", "yes");
  await expect(verify.locator('[data-operation="write"]')).toHaveAttribute("data-outcome", "unknown");
  // The namespace sees no secret yet (the builtin store is empty): nothing can be lost, saved without a dialog.
  expect(await saveManagerForm(page), "the switch dialog was shown").toBe(false);

  await page.goto(`/tenants/${tenant}/namespaces/company/secrets`);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(3);
  await expect(page.locator('tr[data-secret-key="TLS_CERT"] [data-testid="lifecycle"]')).toContainText(
    "expires in 10 days",
  );
  await expect(page.locator('tr[data-secret-key="OLD_TOKEN"] [data-testid="disabled-badge"]')).toBeVisible();

  await page.getByLabel("Show only").selectOption("expiring");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await expect(page.locator('tr[data-secret-key="TLS_CERT"]')).toBeVisible();
  await expect(page).toHaveURL(/[?&]filter=expiring/);
  await page.reload();
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await expect(page.getByLabel("Show only")).toHaveValue("expiring");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shot("secrets-lifecycle-expiring");

  await page.getByLabel("Show only").selectOption("disabled");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await expect(page.locator('tr[data-secret-key="OLD_TOKEN"]')).toBeVisible();

  await page.goto(`/tenants/${tenant}`);
  const counts = page.locator('tr[data-namespace="company"] [data-testid="lifecycle-counts"]');
  await expect(counts).toContainText("1 expire within 30 days");
  await expect(counts).toContainText("1 disabled");
  await counts.locator('[data-filter="disabled"]').click();
  await expect(page).toHaveURL(new RegExp(`/tenants/${tenant}/namespaces/company/secrets\\?filter=disabled$`));
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await expect(page.locator("body")).not.toContainText("CANARY");
});
