import { act, ensureNamespace, grantRole } from "./auth-helpers";
import { createTenant, expect, test } from "./fixtures";

// Every change leaves an audit entry with who, what and the changed fields, and never a value or credential.
test.describe.configure({ mode: "serial" });

const T = "audited";
const SECRET_CANARY = "CANARY-audit-secret-4417";
const SECRET_CANARY_2 = "CANARY-audit-secret-replaced-9902";
const TOKEN_CANARY = "CANARY-audit-vault-token-1234";
const TOKEN_CANARY_2 = "CANARY-audit-vault-token-5678";
const CANARIES = [SECRET_CANARY, SECRET_CANARY_2, TOKEN_CANARY, TOKEN_CANARY_2];
const MEMBER = "member@audited.test";

const vault = (token: string | null, readOnly: boolean) => ({
  type: "vault",
  "read-only": readOnly,
  // Port 1 on localhost: verification fails fast, and nothing leaves this machine.
  vault: { address: "http://127.0.0.1:1", "root-engine": "secret", token: token ? { token } : {} },
});

test("changes of every kind are audited, with fields but without values", async ({ page, recorder, shot }) => {
  await createTenant(page, T);
  await ensureNamespace(page.request, T, "app");
  await ensureNamespace(page.request, T, "cfg");
  const r = page.request;
  const ok = async (name: Parameters<typeof act>[1], args: unknown) => {
    const res = await act(r, name, args);
    expect(res.result?.ok, `${name}: ${res.text.slice(0, 300)}`).toBe(true);
    return res.result as { data?: unknown };
  };
  // A save that turns a manager on or off carries its switch preview's confirmation.
  const confirmed = async (args: {
    tenant: string;
    namespace: string;
    enabled: boolean;
    document: unknown;
    keepCredentials?: string[];
  }) => {
    const { data } = await ok("previewSwitch", { keepCredentials: [], ...args });
    return { ...args, confirmSwitch: (data as { confirmation: string }).confirmation };
  };
  await ok("createSecret", {
    tenant: T,
    namespace: "app",
    key: "API_KEY",
    value: SECRET_CANARY,
    description: "first",
    tags: [{ key: "team", value: "core" }],
  });
  await ok("updateSecret", {
    tenant: T,
    namespace: "app",
    key: "API_KEY",
    value: SECRET_CANARY_2,
    description: "second",
    tags: [],
  });
  // While it exists, the secret's row reaches the browser as a page and as JSON (Refresh), its value never.
  await page.goto(`/tenants/${T}/namespaces/app/secrets`);
  await expect(page.locator('tr[data-secret-key="API_KEY"]')).toBeVisible();
  await page.getByRole("button", { name: "Refresh" }).click();
  await page.waitForLoadState("networkidle");
  await ok("deleteSecret", { tenant: T, namespace: "app", key: "API_KEY" });
  await ok("saveConfig", {
    ...(await confirmed({ tenant: T, namespace: "cfg", enabled: true, document: vault(TOKEN_CANARY, false) })),
    expectedVersion: null,
    keepCredentials: [],
  });
  // On Vault, read-only mode reads another layout (every entry under the prefix a key): a switch too.
  await ok("saveConfig", {
    ...(await confirmed({
      tenant: T,
      namespace: "cfg",
      enabled: true,
      document: vault(null, true),
      keepCredentials: ["vault.token.token"],
    })),
    expectedVersion: 1,
  });
  await ok("saveConfig", {
    tenant: T,
    namespace: "cfg",
    expectedVersion: 2,
    enabled: true,
    document: vault(TOKEN_CANARY_2, true),
    keepCredentials: [],
  });
  await ok("verify", { tenant: T, namespace: "cfg" });
  await ok("saveConfig", {
    ...(await confirmed({ tenant: T, namespace: "cfg", enabled: false, document: {} })),
    expectedVersion: 3,
    keepCredentials: [],
  });
  await grantRole(page, T, { email: MEMBER, role: "Viewer", namespace: "app" });
  await page.getByRole("button", { name: `Revoke Viewer on app from ${MEMBER}` }).click();
  await expect(page.locator(`tr[data-user-email="${MEMBER}"]`)).toHaveCount(0);
  await grantRole(page, T, { email: MEMBER, role: "Namespace editor", namespace: "app" });
  await page.getByRole("button", { name: `Remove ${MEMBER} from ${T}` }).click();
  await expect(page.locator(`tr[data-user-email="${MEMBER}"]`)).toHaveCount(0);

  // Through the sidebar, so the audit rows also come as an RSC payload.
  await page.getByRole("navigation", { name: "Tenant" }).getByRole("link", { name: "Audit" }).click();
  const table = page.getByTestId("audit-table");
  const expected = [
    "tenant.created",
    "namespace.created",
    "secret.created",
    "secret.updated",
    "secret.deleted",
    "config.created",
    "config.read-only-toggled",
    "config.credentials-replaced",
    "config.verified",
    "config.disabled",
    "user.created",
    "role.granted",
    "role.revoked",
    "user.removed",
  ];
  for (const action of expected)
    await expect(table.locator(`tr[data-audit-action="${action}"]`).first(), action).toBeVisible();
  await expect(table.locator('tr[data-audit-action="secret.updated"]')).toContainText('"value":"replaced"');
  await expect(table.locator('tr[data-audit-action="config.credentials-replaced"]')).toContainText(
    '"vault.token.token":"replaced"',
  );
  await expect(table.locator('tr[data-audit-action="config.verified"]')).toContainText("failure");
  await expect(table.locator('tr[data-audit-action="secret.created"]')).toContainText("admin@keyhold.test");
  await expect(table.locator('tr[data-audit-action="role.granted"]').first()).toContainText(MEMBER);
  await shot("tenant-audit");

  const csv = await (await r.get(`/api/tenants/${T}/audit/csv`)).text();
  for (const action of expected) expect(csv).toContain(`"${action}"`);
  for (const canary of CANARIES) {
    expect(csv).not.toContain(canary);
    expect(await page.content()).not.toContain(canary);
  }
  // Nothing the browser received on these pages carried a value or a credential, and it did receive real rows of each kind.
  await recorder.expectRead({
    html: 'data-secret-key="API_KEY"',
    rsc: '"data-audit-action":"secret.updated"',
    action: `"data":{"email":"${MEMBER}"}`,
    json: '"rows":[{"key":"API_KEY"',
  });
  for (const canary of CANARIES)
    expect(await recorder.containing(canary), `responses containing ${canary}`).toEqual([]);
});

test("the Audit tab filters by action, namespace, actor and time, and pages", async ({ page }) => {
  await page.goto(`/tenants/${T}/audit?action=secret.`);
  await expect(page.getByTestId("audit-total")).toHaveText("3 events");
  await page.goto(`/tenants/${T}/audit?namespace=cfg`);
  await expect(page.locator('[data-audit-action^="config."]')).toHaveCount(5);
  await expect(page.locator('[data-audit-action="namespace.created"]')).toHaveCount(1);
  await expect(page.locator('[data-audit-action^="secret."]')).toHaveCount(0);
  await page.goto(`/tenants/${T}/audit?actor=nobody-at-all`);
  await expect(page.getByTestId("audit-total")).toHaveText("0 events");
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/tenants/${T}/audit?from=${tomorrow}`);
  await expect(page.getByTestId("audit-total")).toHaveText("0 events");

  // The filter form writes the URL, and the CSV link keeps the filters.
  await page.goto(`/tenants/${T}/audit`);
  await page.getByLabel("Action").fill("config.");
  await page.getByLabel("From").fill(today);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=config\./);
  await expect(page.getByRole("link", { name: "CSV" })).toHaveAttribute(
    "href",
    new RegExp(`/api/tenants/${T}/audit/csv\\?.*action=config\\.`),
  );

  // Over 50 events: a second page.
  for (let i = 0; i < 26; i++) {
    await act(page.request, "createSecret", { tenant: T, namespace: "app", key: `K${i}`, value: "v", tags: [] });
    await act(page.request, "deleteSecret", { tenant: T, namespace: "app", key: `K${i}` });
  }
  await page.goto(`/tenants/${T}/audit`);
  await expect(page.getByText("Page 1 of 2")).toBeVisible();
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  await expect(page).toHaveURL(/page=2/);
});
