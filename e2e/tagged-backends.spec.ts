import { startEmulators, stopEmulators } from "../tests/support/emulators";
import { findTagged } from "../tests/support/backends/seeder";
import { awsBackend } from "./backends/aws";
import { azureBackend } from "./backends/azure";
import { gcpBackend } from "./backends/gcp";
import type { E2eBackend } from "./backends/seeder";
import { createNamespace, createTenant, expect, saveManagerForm, seriousA11yViolations, test } from "./fixtures";

// Each cloud backend on its emulator: configured through the UI read-only, browsed, then managed.
const BACKENDS: [string, () => E2eBackend][] = [
  ["aws", awsBackend],
  ["gcp", gcpBackend],
  ["azure", azureBackend],
];
const VALUE_CANARY = "CANARY-backend-value-5e6f";
const WRITTEN_CANARY = "CANARY-written-from-keyhold-91";

test.beforeAll(() => {
  startEmulators();
});

for (const [id, make] of BACKENDS) {
  test(`${id}: read-only browsing with lock icons, then create, edit and delete in managed mode`, async ({
    page,
    recorder,
    shot,
  }) => {
    test.setTimeout(120_000);
    const backend = make();
    await backend.seeder.clear();
    const tenant = `t-${id}`;
    await backend.seeder.seed(
      `prod/${id}/db`,
      VALUE_CANARY,
      { namespace: "company", key: "DB_PASSWORD", prefix: "kestra" },
      "Primary database",
    );
    await backend.seeder.seed(`prod/${id}/api`, JSON.stringify({ API_TOKEN: "tok-123456", USER: "ops" }), {
      namespace: "company",
      key: "api",
      prefix: "kestra",
    });
    await backend.seeder.seed(`prod/${id}/team`, "team-value", {
      namespace: "company.team",
      key: "TEAM_KEY",
      prefix: "kestra",
    });
    await backend.seeder.seed(`prod/${id}/untagged`, "not for keyhold", { owner: "someone-else" });

    await createTenant(page, tenant);
    await createNamespace(page, tenant, "company.team");
    await page.goto(`/tenants/${tenant}/namespaces/company/edit`);
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: backend.radio }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await backend.configure(page);
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    await saveManagerForm(page);

    // Read-only: lock icons, no Create button anywhere in the DOM, a banner, the ignored secret counted.
    await page.goto(`/tenants/${tenant}/namespaces/company/secrets`);
    await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);
    await expect(page.getByTestId("lock-icon")).toHaveCount(2);
    // Listing reads no value (no GetSecretValue / getSecret / AccessSecretVersion): subkeys come when asked for.
    const api = page.locator('tr[data-secret-key="api"]');
    await expect(api.getByTestId("subkeys")).toHaveText("Show subkeys");
    await api.getByRole("button", { name: "Show subkeys of api" }).click();
    await expect(api.getByTestId("subkeys")).toHaveText("API_TOKEN, USER");
    // Google's list has no latest version: Show subkeys read its metadata (GetSecretVersion, no value), shown at once.
    const versionShown = /v1 · \d{4}-\d{2}-\d{2}/;
    if (id === "gcp") await expect(api.getByTestId("lifecycle")).toContainText(versionShown);
    await expect(page.locator('tr[data-secret-key="DB_PASSWORD"]')).toContainText("Primary database");
    await expect(page.getByRole("button", { name: "Create New Secret" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^(Edit|Delete) / })).toHaveCount(0);
    await expect(page.getByTestId("read-only-banner")).toContainText(backend.label);
    await expect(page.getByTestId("ignored-line")).toContainText("1 secret in this backend is skipped by its rules");
    await page.getByRole("button", { name: "Why?" }).click();
    await expect(page.locator('[data-reason="missing-prefix-tag"]')).toHaveText("1 × no 'prefix' tag");
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await shot(`secrets-${id}-read-only`);
    await page.evaluate(() => (document.cookie = "keyhold-theme=dark; path=/"));
    await page.reload();
    await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);
    // Kept in the index: the reloaded list shows the version without reading it again.
    if (id === "gcp") await expect(api.getByTestId("lifecycle")).toContainText(versionShown);
    await shot(`secrets-${id}-read-only-dark`);
    await page.evaluate(() => (document.cookie = "keyhold-theme=light; path=/"));

    const expression = page.getByRole("textbox", { name: "Check an expression" });
    await expression.fill("{{ secret('api', subkey='API_TOKEN') }}");
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByTestId("expression-result")).toHaveText(
      `Resolves, 10 characters, from company (${backend.label}).`,
    );
    await expression.fill("{{ secret('api', subkey='MISSING') }}");
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByTestId("expression-result")).toHaveText(
      "Cannot find secret sub-key 'MISSING' in secret 'api'.",
    );

    // The child namespace: its own tagged secret, and the parent's inherited.
    await page.goto(`/tenants/${tenant}/namespaces/company.team/secrets`);
    await expect(page.locator('tr[data-secret-key="TEAM_KEY"]')).toHaveAttribute("data-inherited", "false");
    await expect(page.locator('tr[data-secret-key="DB_PASSWORD"] [data-testid="inherited-from"]')).toHaveText(
      "inherited from company",
    );
    await expect(page.getByTestId("backend-source")).toHaveText("Inherited from company");

    // Read-only off: the console manages secrets, and the backend shows each change.
    await page.goto(`/tenants/${tenant}/namespaces/company/edit`);
    await page.getByRole("switch", { name: "Read-only" }).click();
    await saveManagerForm(page, "version 2");
    await page.goto(`/tenants/${tenant}/namespaces/company/secrets`);
    await expect(page.getByTestId("lock-icon")).toHaveCount(0);
    await page.getByRole("button", { name: "Create New Secret" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByLabel(/^Key/).fill("NEW_KEY");
    await drawer.getByLabel(/^Value/).fill(WRITTEN_CANARY);
    await drawer.getByLabel("Description").fill("made in keyhold");
    await drawer.getByRole("button", { name: "Create secret" }).click();
    await expect(page.locator('tr[data-secret-key="NEW_KEY"]')).toBeVisible();
    const where = { namespace: "company", key: "NEW_KEY" };
    await expect.poll(async () => (await findTagged(backend.seeder, where))?.value).toBe(WRITTEN_CANARY);
    expect((await findTagged(backend.seeder, where))?.tags).toMatchObject({
      tenant,
      namespace: "company",
      key: "NEW_KEY",
      prefix: "kestra",
    });

    await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Edit NEW_KEY" }).click();
    await page.getByRole("dialog").getByLabel("Description").fill("described again");
    await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("secrets-notice")).toHaveText("Updated NEW_KEY (description and tags).");
    expect(await findTagged(backend.seeder, where)).toMatchObject({
      value: WRITTEN_CANARY,
      description: "described again",
    });

    await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Edit NEW_KEY" }).click();
    await page.getByRole("switch", { name: "Replace value" }).click();
    await page
      .getByRole("dialog")
      .getByLabel(/^Value/)
      .fill("second-value");
    await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("secrets-notice")).toHaveText("Updated NEW_KEY (value replaced).");
    expect((await findTagged(backend.seeder, where))?.value).toBe("second-value");
    await shot(`secrets-${id}-writable`);
    await page.evaluate(() => (document.cookie = "keyhold-theme=dark; path=/"));
    await page.reload();
    await expect(page.locator('tr[data-secret-key="NEW_KEY"]')).toBeVisible();
    await shot(`secrets-${id}-writable-dark`);
    await page.evaluate(() => (document.cookie = "keyhold-theme=light; path=/"));

    await page.locator('tr[data-secret-key="NEW_KEY"]').getByRole("button", { name: "Delete NEW_KEY" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete NEW_KEY" }).click();
    await expect(page.getByTestId("secrets-notice")).toHaveText("Deleted NEW_KEY.");
    await expect.poll(() => findTagged(backend.seeder, where)).toBeNull();

    for (const canary of [VALUE_CANARY, WRITTEN_CANARY, "tok-123456"]) {
      expect(await recorder.containing(canary), `responses containing ${canary}`).toEqual([]);
    }

    // With the server stopped, verify says unreachable and the list shows the error.
    stopEmulators([id]);
    try {
      await page.getByRole("button", { name: "Verify connection" }).click();
      await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "unreachable");
      await page.getByRole("button", { name: "Refresh" }).click();
      await expect(page.getByTestId("secrets-error").first()).toContainText("unreachable");
    } finally {
      startEmulators([id]);
    }
  });
}
