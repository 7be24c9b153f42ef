import { createNamespace, createTenant, expect, seriousA11yViolations, test } from "./fixtures";

// The builtin store is always writable: the whole secret life cycle through the Secrets tab.
const CANARY = "CANARY-builtin-value-77aa";
const JSON_CANARY = JSON.stringify({ API_TOKEN: "CANARY-json-token-0123456789abcd", USER: "ops" });

test.describe.configure({ mode: "serial" });

test("create, list, inherit, search, edit, check and delete secrets in the builtin store", async ({
  page,
  recorder,
  shot,
}) => {
  await createTenant(page, "beta");
  await createNamespace(page, "beta", "app.web");

  await page.goto("/tenants/beta/namespaces/app/secrets");
  await expect(page.getByTestId("backend-summary")).toContainText("Builtin store");
  await expect(page.getByTestId("secrets-empty")).toContainText("No secrets in app yet");
  await expect(page.getByTestId("read-only-banner")).toHaveCount(0);

  await page.getByRole("button", { name: "Create New Secret" }).click();
  const drawer = page.getByRole("dialog", { name: "Create New Secret" });
  await drawer.getByLabel(/^Key/).fill("DB_PASSWORD");
  await drawer.getByLabel(/^Value/).fill(CANARY);
  await drawer.getByLabel("Description").fill("Primary database");
  await drawer.getByRole("button", { name: "Add" }).click();
  await drawer.getByLabel("Tags key 1").fill("team");
  await drawer.getByLabel("Tags value 1").fill("core");
  await drawer.getByRole("button", { name: "Add" }).click();
  await drawer.getByLabel("Tags key 2").fill("team");
  await expect(drawer.getByText("Duplicate key")).toHaveCount(2);
  await expect(drawer.getByRole("button", { name: "Create secret" })).toBeDisabled();
  await drawer.getByRole("button", { name: "Remove Tags row 2" }).click();
  await drawer.getByRole("button", { name: "Create secret" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Created DB_PASSWORD.");
  const row = page.locator('tr[data-secret-key="DB_PASSWORD"]');
  await expect(row).toContainText("Primary database");
  await expect(row).toContainText("team=core");

  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("api");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill(JSON_CANARY);
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  const api = page.locator('tr[data-secret-key="api"]');
  // Listing reads no value: the subkeys show when asked for, from the keyboard too, and stay for the next page view.
  await expect(api.getByLabel("Subkey of api to copy")).toHaveCount(0);
  await api.getByRole("button", { name: "Show subkeys of api" }).focus();
  await page.keyboard.press("Enter");
  await expect(api.getByTestId("subkeys")).toHaveText("API_TOKEN, USER");
  await expect(api.getByRole("button", { name: "Show subkeys of api" })).toHaveCount(0);
  await page.reload();
  await expect(api.getByTestId("subkeys")).toHaveText("API_TOKEN, USER");
  await api.getByLabel("Subkey of api to copy").selectOption("API_TOKEN");
  await expect(api.locator("[data-expression]")).toHaveAttribute(
    "data-expression",
    "{{ secret('api', subkey='API_TOKEN') }}",
  );

  // Expression checks: length only, and the semantics page's sentences.
  const expression = page.getByRole("textbox", { name: "Check an expression" });
  await expression.fill("{{ secret('api', subkey='API_TOKEN') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText(
    `Resolves, ${"CANARY-json-token-0123456789abcd".length} characters, from app (Builtin store).`,
  );
  await expression.fill("{{ secret('api', subkey='NOPE') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText("Cannot find secret sub-key 'NOPE' in secret 'api'.");
  await expression.fill("{{ secret('DB_PASSWORD', subkey='X') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText(
    "Failed to read secret sub-key 'X' in secret 'DB_PASSWORD'. Ensure the secret contains valid JSON value.",
  );
  await expression.fill("{{ secret('MISSING') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText("Cannot find secret for key 'MISSING'.");

  // Edit the description only: the value stays.
  await row.getByRole("button", { name: "Edit DB_PASSWORD" }).click();
  const edit = page.getByRole("dialog", { name: "Edit DB_PASSWORD" });
  await expect(edit.getByLabel(/^Key/)).toHaveAttribute("readonly", "");
  await expect(edit.getByLabel(/^Value/)).toHaveCount(0);
  await edit.getByLabel("Description").fill("Primary database (rotated monthly)");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Updated DB_PASSWORD (description and tags).");
  await expect(row).toContainText("rotated monthly");
  await expression.fill("{{ secret('DB_PASSWORD') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText(
    `Resolves, ${CANARY.length} characters, from app (Builtin store).`,
  );

  // Then replace the value.
  await row.getByRole("button", { name: "Edit DB_PASSWORD" }).click();
  await page.getByRole("switch", { name: "Replace value" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill("short");
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Updated DB_PASSWORD (value replaced).");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toHaveText("Resolves, 5 characters, from app (Builtin store).");

  // Search is kept in the URL.
  await page.getByLabel("Search secrets by key or tag").fill("core");
  await expect(page).toHaveURL(/\?q=core/);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await page.reload();
  await expect(page.getByLabel("Search secrets by key or tag")).toHaveValue("core");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(1);
  await page.getByLabel("Search secrets by key or tag").fill("");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);

  expect(await seriousA11yViolations(page)).toEqual([]);
  await shot("secrets-builtin-light");

  // The child namespace inherits, and its own key hides the parent's.
  await page.goto("/tenants/beta/namespaces/app.web/secrets");
  const inherited = page.locator('tr[data-secret-key="DB_PASSWORD"]');
  await expect(inherited.getByTestId("inherited-from")).toHaveText("inherited from app");
  await expect(inherited.getByRole("button", { name: "Edit DB_PASSWORD" })).toHaveCount(0);
  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("DB_PASSWORD");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill("child-value");
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  await expect(inherited.getByTestId("inherited-from")).toHaveCount(0);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);

  // Delete asks first and names the key.
  await page.goto("/tenants/beta/namespaces/app/secrets");
  await page.locator('tr[data-secret-key="api"]').getByRole("button", { name: "Delete api" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete api?" });
  await expect(confirm).toContainText("deletes the secret api of app");
  await confirm.getByRole("button", { name: "Delete api" }).click();
  await expect(page.getByTestId("secrets-notice")).toHaveText("Deleted api.");
  await expect(page.locator('tr[data-secret-key="api"]')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('tr[data-secret-key="api"]')).toHaveCount(0);

  await page.evaluate(() => {
    document.cookie = "keyhold-theme=dark; path=/";
  });
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await shot("secrets-builtin-dark");

  // The tenant's Secrets tab lists every namespace's own secrets, edited in their namespace.
  await page.goto("/tenants/beta/secrets");
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(2);
  await expect(page.locator('tr[data-secret-key="DB_PASSWORD"]').nth(0)).toContainText("app");
  await expect(page.locator('tr[data-secret-key="DB_PASSWORD"]').nth(1)).toContainText("app.web");
  await expect(page.getByRole("button", { name: "Create New Secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit DB_PASSWORD" })).toHaveCount(0);

  for (const canary of [CANARY, "CANARY-json-token"]) {
    expect(await page.content()).not.toContain(canary);
    expect(await recorder.containing(canary), `responses containing ${canary}`).toEqual([]);
  }
});
