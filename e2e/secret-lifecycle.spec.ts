import { setTimeout as sleep } from "node:timers/promises";
import { CreateSecretCommand, DescribeSecretCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { Page } from "@playwright/test";
import { startEmulators } from "../tests/support/emulators";
import { awsSdk, tagList } from "../tests/support/backends/aws";
import { sdk as azureSdk } from "../tests/support/backends/azure";
import { awsBackend } from "./backends/aws";
import { azureBackend } from "./backends/azure";
import { createNamespace, createTenant, expect, saveManagerForm, seriousA11yViolations, test } from "./fixtures";

// Age and expiry on the Secrets tab, from the Azure Key Vault fake's own attributes: an expiring and a disabled
// secret shown with their badges, the "expires within 30 days" and "disabled" filters kept in the URL across a
// reload, the overview's counts linking to them, and the capability table after Verify. And from moto, a rotated AWS
// secret with its rotation badges, the tab sorted by last changed, and the filters an AWS secret does not meet.
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

/** The keys of the Secrets tab's rows, top to bottom. */
const rowKeys = (page: Page) =>
  page.locator("tr[data-secret-key]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-secret-key")));

test("a rotated AWS secret: rotation badges, sorted by last changed, not expiring", async ({ page, shot }) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const tenant = `life-aws-${run}`;
  const prefix = `lifeaws${run}`;
  const aws = awsSdk();
  // Changed in this order, a second or more apart (moto keeps whole seconds): not the keys' order.
  const create = (name: string, key: string) =>
    aws.send(
      new CreateSecretCommand({
        Name: `${prefix}/${name}`,
        SecretString: `CANARY-life-aws-${name}`,
        Tags: tagList({ namespace: "company", key, prefix }),
      }),
    );
  await create("db", "DB_PASSWORD");
  await aws.send(
    new RotateSecretCommand({
      SecretId: `${prefix}/db`,
      RotationRules: { AutomaticallyAfterDays: 7 },
      RotateImmediately: true,
    }),
  );
  const rotated = await aws.send(new DescribeSecretCommand({ SecretId: `${prefix}/db` }));
  const nextRotation = rotated.NextRotationDate!.toISOString().slice(0, 10);
  await sleep(1_100);
  await create("api", "API_TOKEN");
  await sleep(1_100);
  await create("cache", "CACHE_URL");

  await createTenant(page, tenant);
  await createNamespace(page, tenant, "company");
  await page.goto(`/tenants/${tenant}/namespaces/company/edit`);
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("radio", { name: "AWS Secrets Manager" }).check();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await awsBackend().configure(page);
  await page.locator("#cfg-prefix").fill(prefix);
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  expect(await saveManagerForm(page), "the switch dialog was shown").toBe(false);

  await page.goto(`/tenants/${tenant}/namespaces/company/secrets`);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(3);
  expect(await rowKeys(page)).toEqual(["API_TOKEN", "CACHE_URL", "DB_PASSWORD"]);
  const lifecycle = (key: string) => page.locator(`tr[data-secret-key="${key}"] [data-testid="lifecycle"]`);
  await expect(lifecycle("DB_PASSWORD")).toContainText("rotated today");
  await expect(lifecycle("DB_PASSWORD")).toContainText(`next rotation ${nextRotation}`);
  for (const key of ["API_TOKEN", "CACHE_URL"]) {
    await expect(lifecycle(key)).toContainText("today");
    await expect(lifecycle(key)).not.toContainText("rotat");
  }
  // AWS tells no expiry and no enabled flag: no such badge.
  await expect(page.locator('[data-testid="disabled-badge"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="lifecycle"]').filter({ hasText: "expire" })).toHaveCount(0);

  // Last changed: oldest first, then newest first, kept in the URL across a reload.
  await page.getByRole("button", { name: "Last changed" }).click();
  await expect(page).toHaveURL(/[?&]sort=updated/);
  await expect(page.getByRole("columnheader", { name: "Last changed" })).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(() => rowKeys(page)).toEqual(["DB_PASSWORD", "API_TOKEN", "CACHE_URL"]);
  await page.getByRole("button", { name: "Last changed" }).click();
  await expect(page.getByRole("columnheader", { name: "Last changed" })).toHaveAttribute("aria-sort", "descending");
  await expect.poll(() => rowKeys(page)).toEqual(["CACHE_URL", "API_TOKEN", "DB_PASSWORD"]);
  await page.reload();
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(3);
  expect(await rowKeys(page)).toEqual(["CACHE_URL", "API_TOKEN", "DB_PASSWORD"]);
  await shot("secrets-lifecycle-aws-rotation");

  // A rotation due in 7 days is no expiry; nothing is disabled, and nothing is 90 days old.
  for (const [filter, label] of [
    ["expiring", "Expires within 30 days"],
    ["disabled", "Disabled"],
    ["stale", "Not changed for 90 days"],
  ]) {
    await page.getByLabel("Show only").selectOption(filter);
    await expect(page).toHaveURL(new RegExp(`[?&]filter=${filter}`));
    await expect(page.getByTestId("secrets-empty")).toContainText(`No secret matches “${label}”`);
    await expect(page.locator("tr[data-secret-key]")).toHaveCount(0);
  }
  await page.getByLabel("Show only").selectOption("");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(3);

  await page.goto(`/tenants/${tenant}`);
  await expect(page.locator('tr[data-namespace="company"] [data-testid="lifecycle-counts"]')).toHaveText("none");
  await expect(page.locator("body")).not.toContainText("CANARY");
});
