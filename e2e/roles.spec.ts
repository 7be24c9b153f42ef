import {
  ADMIN,
  PASSWORD,
  act,
  ensureNamespace,
  ensureTenant,
  expectForbidden,
  grantRole,
  pageAs,
} from "./auth-helpers";
import { expect, test } from "./fixtures";

// Each role signs in and sees only what it may do; what it may not do the server refuses when called directly.
test.describe.configure({ mode: "serial" });

const T = "initech";
const TADMIN = "tadmin@initech.test";
const EDITOR = "editor@initech.test";
const VIEWER = "viewer@initech.test";
const CANARY = "CANARY-roles-value-5521";

test("the instance administrator sets up a tenant, namespaces, a secret and three users", async ({ page }) => {
  await ensureTenant(page.request, T);
  await ensureNamespace(page.request, T, "company.team.etl");
  await ensureNamespace(page.request, T, "company.other");
  const created = await act(page.request, "createSecret", {
    tenant: T,
    namespace: "company.team",
    key: "DB_PASSWORD",
    value: CANARY,
    tags: [],
  });
  expect(created.result?.ok, created.text).toBe(true);

  await grantRole(page, T, { email: TADMIN, role: "Tenant administrator" });
  await grantRole(page, T, { email: EDITOR, role: "Namespace editor", namespace: "company.team" });
  await grantRole(page, T, { email: VIEWER, role: "Viewer", namespace: "company.team" });
  const users = page.getByTestId("users-table");
  await expect(users.locator(`tr[data-user-email="${EDITOR}"]`)).toContainText("Namespace editor · company.team");
  await expect(users.locator(`tr[data-user-email="${VIEWER}"]`)).toContainText("Viewer · company.team");
  await expect(users.locator(`tr[data-user-email="${TADMIN}"]`)).toContainText("Tenant administrator · whole tenant");
});

test("a viewer browses keys, verifies and checks expressions, and can change nothing", async ({ browser, shot }) => {
  const page = await pageAs(browser, VIEWER);
  await expect(page.getByTestId("tenant-list").locator("li")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Create tenant" })).toHaveCount(0);

  await page.goto(`/tenants/${T}/namespaces/company.team/secrets`);
  await expect(page.locator('tr[data-secret-key="DB_PASSWORD"]')).toBeVisible();
  await expect(page.getByRole("button", { name: "Create New Secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit DB_PASSWORD" })).toHaveCount(0);
  const nav = page.getByRole("navigation", { name: "Tenant" });
  for (const hidden of ["Settings", "Users", "Audit", "Secrets"])
    await expect(nav.getByRole("link", { name: hidden })).toHaveCount(0);
  await expect(
    page.getByRole("navigation", { name: "Namespace sections" }).getByRole("link", { name: "Edit" }),
  ).toHaveCount(0);
  await expect(page.getByLabel("New namespace")).toHaveCount(0);
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toContainText(/ok/i);
  await page.getByRole("textbox", { name: "Check an expression" }).fill("{{ secret('DB_PASSWORD') }}");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("expression-result")).toContainText(`Resolves, ${CANARY.length} characters`);
  await shot("viewer-secrets");

  // Directly, without the UI: every change and every page outside the binding is refused.
  const r = page.request;
  await expectForbidden(r, "createSecret", { tenant: T, namespace: "company.team", key: "NEW", value: "v", tags: [] });
  await expectForbidden(r, "updateSecret", {
    tenant: T,
    namespace: "company.team",
    key: "DB_PASSWORD",
    value: "changed",
    tags: [],
  });
  await expectForbidden(r, "deleteSecret", { tenant: T, namespace: "company.team", key: "DB_PASSWORD" });
  await expectForbidden(r, "saveConfig", {
    tenant: T,
    namespace: "company.team",
    expectedVersion: null,
    enabled: false,
    document: {},
    keepCredentials: [],
  });
  await expectForbidden(r, "createNamespace", { tenant: T, path: "company.team.new" });
  await expectForbidden(r, "addUser", {
    tenant: T,
    email: "me-too@initech.test",
    role: "tenant-admin",
    namespace: null,
  });
  await expectForbidden(r, "verify", { tenant: T, namespace: "company.other" });
  await expectForbidden(r, "checkExpression", {
    tenant: T,
    namespace: "company.team",
    expression: "{{ secret('X', namespace='company.other') }}",
  });
  expect((await r.get(`/api/tenants/${T}/namespaces/company.other/secrets`)).status()).toBe(403);
  expect((await r.get(`/api/tenants/${T}/namespaces/company/secrets`)).status()).toBe(403);
  expect((await r.get(`/api/tenants/${T}/secrets`)).status()).toBe(403);
  expect((await r.get(`/api/tenants/${T}/audit/csv`)).status()).toBe(403);
  expect((await r.get(`/api/tenants/${T}/namespaces/company.team/secrets`)).status()).toBe(200);
  for (const path of [
    `/tenants/${T}/settings`,
    `/tenants/${T}/users`,
    `/tenants/${T}/audit`,
    `/tenants/${T}/namespaces/company.team/edit`,
    `/audit`,
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByTestId("forbidden")).toBeVisible();
  }
  await page.context().close();
});

test("a namespace editor manages the secrets of its namespace and its children, nothing else", async ({ browser }) => {
  const page = await pageAs(browser, EDITOR);
  await page.goto(`/tenants/${T}/namespaces/company.team.etl/secrets`);
  await page.getByRole("button", { name: "Create New Secret" }).click();
  const drawer = page.getByRole("dialog", { name: "Create New Secret" });
  await drawer.getByLabel(/^Key/).fill("ETL_TOKEN");
  await drawer.getByLabel(/^Value/).fill("CANARY-editor-value-8812");
  await drawer.getByRole("button", { name: "Create secret" }).click();
  await expect(page.locator('tr[data-secret-key="ETL_TOKEN"]')).toBeVisible();

  const r = page.request;
  expect(
    (
      await act(r, "updateSecret", {
        tenant: T,
        namespace: "company.team",
        key: "DB_PASSWORD",
        description: "edited by the editor",
        tags: [],
      })
    ).result?.ok,
  ).toBe(true);
  await expectForbidden(r, "createSecret", {
    tenant: T,
    namespace: "company.other",
    key: "NOPE",
    value: "v",
    tags: [],
  });
  await expectForbidden(r, "createSecret", { tenant: T, namespace: "company", key: "NOPE", value: "v", tags: [] });
  await expectForbidden(r, "saveConfig", {
    tenant: T,
    namespace: "company.team",
    expectedVersion: null,
    enabled: false,
    document: {},
    keepCredentials: [],
  });
  await expectForbidden(r, "verifyForm", {
    tenant: T,
    namespace: "company.team",
    document: { type: "vault" },
    keepCredentials: [],
  });
  expect((await page.goto(`/tenants/${T}/settings`))?.status()).toBe(403);
  await page.context().close();
});

test("a tenant administrator runs its tenant but not the instance", async ({ browser }) => {
  const page = await pageAs(browser, TADMIN);
  await page.goto(`/tenants/${T}`);
  const nav = page.getByRole("navigation", { name: "Tenant" });
  for (const shown of ["Settings", "Users", "Audit", "Secrets"])
    await expect(nav.getByRole("link", { name: shown })).toBeVisible();
  await expect(page.getByLabel("New namespace")).toBeVisible();
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Create tenant" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expectForbidden(page.request, "createTenant", { slug: "tadmin-made", displayName: "x" });
  expect((await page.goto("/audit"))?.status()).toBe(403);
  expect((await page.request.get("/api/audit/csv")).status()).toBe(403);
  // The instance administrator's own account is not theirs to change.
  await expectForbidden(page.request, "addUser", {
    tenant: "no-such-tenant",
    email: ADMIN.email,
    role: "viewer",
    namespace: null,
  });
  await page.context().close();
});

test("instance administrators are managed on their own page, by instance administrators only", async ({
  page,
  browser,
}) => {
  const SECOND = "second-admin@keyhold.test";
  await page.goto("/admins");
  await expect(page.locator(`[data-admin-email="${ADMIN.email}"]`)).toContainText("You");
  const form = page.getByRole("form", { name: "Add administrator" });
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(SECOND);
  await form.getByRole("textbox", { name: "Name", exact: true }).fill("Second");
  await form.getByRole("textbox", { name: "Initial password", exact: true }).fill(PASSWORD);
  await form.getByRole("button", { name: "Add administrator" }).click();
  await expect(page.locator(`[data-admin-email="${SECOND}"]`)).toBeVisible();

  const second = await pageAs(browser, SECOND);
  expect((await second.goto(`/tenants/${T}/settings`))?.status()).toBe(200);
  await page.getByRole("button", { name: `Revoke administrator role from ${SECOND}` }).click();
  await expect(page.locator(`[data-admin-email="${SECOND}"]`)).toHaveCount(0);
  // The revoked role stops working on the next request, without signing out.
  expect((await second.goto(`/tenants/${T}/settings`))?.status()).toBe(403);
  expect((await second.goto("/admins"))?.status()).toBe(403);
  await expectForbidden(second.request, "addInstanceAdmin", { email: SECOND });
  await second.context().close();

  const tenantAdmin = await pageAs(browser, TADMIN);
  expect((await tenantAdmin.goto("/admins"))?.status()).toBe(403);
  await expectForbidden(tenantAdmin.request, "addInstanceAdmin", { email: TADMIN });
  await tenantAdmin.context().close();
});
