import { act, ensureNamespace, ensureTenant, expectForbidden, grantRole, pageAs } from "./auth-helpers";
import { expect, ResponseRecorder, test } from "./fixtures";

// A tenant administrator of acme reaches nothing of globex: not in the UI, not by calling the server directly.
test.describe.configure({ mode: "serial" });

const ACME_ADMIN = "boss@acme.test";
const GLOBEX_CANARY = "CANARY-globex-value-3131";

test("the instance administrator prepares acme and globex", async ({ page }) => {
  await ensureTenant(page.request, "acme");
  await ensureTenant(page.request, "globex");
  await ensureNamespace(page.request, "acme", "company.team");
  await ensureNamespace(page.request, "globex", "company.team");
  const created = await act(page.request, "createSecret", {
    tenant: "globex",
    namespace: "company.team",
    key: "GLOBEX_KEY",
    value: GLOBEX_CANARY,
    tags: [],
  });
  expect(created.result?.ok, created.text).toBe(true);
  await grantRole(page, "acme", { email: ACME_ADMIN, role: "Tenant administrator" });
});

test("acme's tenant administrator cannot read, list, verify or change anything of globex", async ({
  browser,
  baseURL,
}, testInfo) => {
  const page = await pageAs(browser, ACME_ADMIN);
  // This administrator's own page, not the fixture's: what reaches acme's browser is what must not carry globex's value.
  const recorder = await ResponseRecorder.attach(page, baseURL!);
  const r = page.request;

  // UI: globex is not listed, not in the switcher, and its pages answer 403.
  await expect(page.getByTestId("tenant-list")).toContainText("acme");
  await expect(page.getByTestId("tenant-list")).not.toContainText("globex");
  await page.goto("/tenants/acme");
  await expect(page.locator("#tenant-switcher option")).toHaveText(["acme (acme)"]);
  for (const path of [
    "/tenants/globex",
    "/tenants/globex/secrets",
    "/tenants/globex/settings",
    "/tenants/globex/users",
    "/tenants/globex/audit",
    "/tenants/globex/namespaces/company.team/secrets",
  ]) {
    expect((await page.goto(path))?.status(), path).toBe(403);
  }
  // An unknown tenant looks the same as a forbidden one, so tenant names cannot be probed.
  expect((await page.goto("/tenants/no-such-tenant"))?.status()).toBe(403);

  // Directly: reads through route handlers, and every action.
  for (const path of [
    "/api/tenants/globex/secrets",
    "/api/tenants/globex/namespaces/company.team/secrets",
    "/api/tenants/globex/audit/csv",
  ]) {
    expect((await r.get(path)).status(), path).toBe(403);
  }
  const ns = { tenant: "globex", namespace: "company.team" };
  await expectForbidden(r, "verify", ns);
  await expectForbidden(r, "verify", { tenant: "globex", namespace: null });
  await expectForbidden(r, "checkExpression", { ...ns, expression: "{{ secret('GLOBEX_KEY') }}" });
  await expectForbidden(r, "showSubkeys", { ...ns, key: "GLOBEX_KEY" });
  await expectForbidden(r, "createSecret", { ...ns, key: "FROM_ACME", value: "v", tags: [] });
  await expectForbidden(r, "updateSecret", { ...ns, key: "GLOBEX_KEY", value: "overwritten", tags: [] });
  await expectForbidden(r, "deleteSecret", { ...ns, key: "GLOBEX_KEY" });
  await expectForbidden(r, "saveConfig", {
    tenant: "globex",
    namespace: null,
    expectedVersion: null,
    enabled: false,
    document: {},
    keepCredentials: [],
  });
  await expectForbidden(r, "verifyForm", {
    tenant: "globex",
    namespace: null,
    document: { type: "vault" },
    keepCredentials: [],
  });
  await expectForbidden(r, "createNamespace", { tenant: "globex", path: "acme.was.here" });
  await expectForbidden(r, "addUser", { tenant: "globex", email: ACME_ADMIN, role: "tenant-admin", namespace: null });

  // The same calls on acme work, so the refusals above are about the tenant, not the calls.
  expect((await act(r, "verify", { tenant: "acme", namespace: "company.team" })).result?.ok).toBe(true);
  expect((await r.get("/api/tenants/acme/secrets")).status()).toBe(200);
  // A client-side navigation within acme (links prefetch on intent only, so this is the page's RSC payload).
  await page.goto("/tenants/acme/namespaces/company.team");
  await page.getByRole("navigation", { name: "Namespace sections" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page).toHaveURL(/\/tenants\/acme\/namespaces\/company\.team\/secrets$/);
  await expect(page.getByTestId("backend-summary")).toBeVisible();
  await recorder.expectRead({ html: 'data-namespace="company.team"', rsc: "company.team" });
  expect(await recorder.containing(GLOBEX_CANARY)).toEqual([]);
  await recorder.report(testInfo);
  await page.context().close();
});

test("globex is untouched", async ({ page }) => {
  await page.goto("/tenants/globex/namespaces/company.team/secrets");
  await expect(page.locator('tr[data-secret-key="GLOBEX_KEY"]')).toBeVisible();
  await expect(page.locator('tr[data-secret-key="FROM_ACME"]')).toHaveCount(0);
  await page.goto("/tenants/globex/audit");
  await expect(page.locator('tr[data-audit-outcome="forbidden"]').first()).toContainText("boss@acme.test");
  await expect(page.locator('tr[data-audit-action="namespace.created"]')).toHaveCount(1);
});
