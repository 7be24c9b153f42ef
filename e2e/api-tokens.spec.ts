import { request as playwrightRequest } from "@playwright/test";
import { createTenant, expect, seriousA11yViolations, test } from "./fixtures";

// Issue 13: an administrator creates an API token in the console (shown once), a script uses it as a bearer token, the
// list shows its last use, revoking it stops it; the API reference renders with Swagger UI from Keyhold's own origin.
test.describe.configure({ mode: "serial" });

const T = "apitokens";

test("a token is shown once, works as a bearer token, shows its last use and stops when revoked", async ({
  page,
  baseURL,
  shot,
}) => {
  await createTenant(page, T);
  await page.goto("/settings/api-tokens");
  await page.locator("#token-name").fill("e2e-ci");
  await page.locator("#token-service-account").fill("e2e-bot");
  await page.locator("#token-role").selectOption("viewer");
  await page.locator("#token-tenant").selectOption(T);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
  await shot("api-token-created");

  // A script without the console's cookie.
  const script = await playwrightRequest.newContext({ baseURL });
  const bearer = { Authorization: `Bearer ${token}` };
  try {
    const listed = await script.get(`/api/v1/tenants/${T}/namespaces`, { headers: bearer });
    expect(listed.status()).toBe(200);
    expect(await listed.json()).toEqual({ namespaces: [] });
    const write = await script.post(`/api/v1/tenants/${T}/namespaces`, { headers: bearer, data: { path: "nope" } });
    expect(write.status()).toBe(403);
    expect(write.headers()["content-type"]).toBe("application/problem+json");

    // Shown once: a reload lists the token by name and prefix, never the token itself.
    await page.reload();
    const row = page.locator('tr[data-token-name="e2e-ci"]');
    await expect(row).toContainText("e2e-bot@service-accounts.keyhold.invalid");
    await expect(row.getByTestId("last-used")).not.toHaveText("never");
    expect(await page.content()).not.toContain(token);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await row.getByRole("button", { name: "Revoke token e2e-ci" }).click();
    await expect(row).toContainText("revoked");
    expect((await script.get(`/api/v1/tenants/${T}/namespaces`, { headers: bearer })).status()).toBe(401);
  } finally {
    await script.dispose();
  }
});

test("the API reference renders every operation from our origin, within the CSP", async ({ page, shot }) => {
  const refused: string[] = [];
  const elsewhere: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("http://localhost") && !r.url().startsWith("data:")) elsewhere.push(r.url());
  });
  await page.goto("/api-reference");
  await expect(page.locator(".swagger-ui .opblock").first()).toBeVisible();
  expect(await page.locator(".swagger-ui .opblock").count()).toBeGreaterThan(25);
  await expect(page.getByText("/api/v1/tenants/{tenant}/namespaces/{namespace}/manager").first()).toBeVisible();
  await shot("api-reference");
  expect(refused).toEqual([]);
  expect(elsewhere).toEqual([]);
});
