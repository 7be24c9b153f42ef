import { ADMIN, PASSWORD, act, ensureTenant, grantRole, pageAs, signIn } from "./auth-helpers";
import { expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

const T = "signin-co";
const LIMITED = "limited@signin.test";
const LEAVER = "leaver@signin.test";

test("prepare two users", async ({ page }) => {
  await ensureTenant(page.request, T);
  await grantRole(page, T, { email: LIMITED, role: "Viewer" });
  await grantRole(page, T, { email: LEAVER, role: "Viewer" });
});

test("a signed-out visitor is sent to sign in, and the API answers 401", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`/tenants/${T}`);
  await expect(page).toHaveURL(/\/login$/);
  expect((await page.request.get(`/api/tenants/${T}/secrets`)).status()).toBe(401);
  await context.close();
});

test("a wrong email and a wrong password get the same answer; the sixth failure in a row locks the account", async ({
  browser,
}) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, "nobody@signin.test", PASSWORD);
  const unknownEmail = await page.getByTestId("sign-in-error").textContent();
  await signIn(page, LIMITED, "wrong-password-123");
  const wrongPassword = await page.getByTestId("sign-in-error").textContent();
  expect(unknownEmail).toBe("Invalid email or password.");
  expect(wrongPassword).toBe(unknownEmail);

  for (let i = 2; i <= 5; i++) {
    await signIn(page, LIMITED, `wrong-password-${i}`);
    await expect(page.getByTestId("sign-in-error")).toHaveText("Invalid email or password.");
  }
  // Five failures within 15 minutes: even the right password is refused now, with a different, honest message.
  await signIn(page, LIMITED, PASSWORD);
  await expect(page.getByTestId("sign-in-error")).toHaveText(
    /^Too many failed sign-ins\. Try again in \d+ minutes?\.$/,
  );
  await expect(page).toHaveURL(/\/login$/);
  // Other accounts from the same address are not locked by one account's failures.
  await signIn(page, LEAVER, PASSWORD);
  await expect(page.getByTestId("signed-in-as")).toHaveText(LEAVER);
  await context.close();
});

test("sign-ins, failures and lock-outs are in the instance audit log, without any password", async ({ page }) => {
  await page.goto(`/audit?actor=${encodeURIComponent(LIMITED)}&action=auth.sign-in`);
  await expect(page.locator('tr[data-audit-outcome="failure"]')).toHaveCount(5);
  await expect(page.locator('tr[data-audit-outcome="rate-limited"]')).toHaveCount(1);
  const csv = await (await page.request.get(`/api/audit/csv?actor=${encodeURIComponent(LIMITED)}`)).text();
  expect(csv.split("\r\n").filter((l) => l.includes('"auth.sign-in"')).length).toBe(6);
  for (const secret of [PASSWORD, "wrong-password"]) expect(csv).not.toContain(secret);
  await page.goto(`/audit?actor=${encodeURIComponent(ADMIN.email)}&action=auth.sign-in`);
  await expect(page.locator('tr[data-audit-outcome="success"]').first()).toBeVisible();
});

test("sign-out ends the session: the old cookie no longer works", async ({ browser }) => {
  const page = await pageAs(browser, LEAVER);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name.endsWith("session_token"))).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Replaying the cookie from before sign-out, as a thief would, gets nothing.
  const replay = await browser.newContext({ storageState: { cookies, origins: [] } });
  expect((await replay.request.get(`/api/tenants/${T}/secrets`)).status()).toBe(401);
  const replayPage = await replay.newPage();
  await replayPage.goto(`/tenants/${T}`);
  await expect(replayPage).toHaveURL(/\/login$/);
  await replay.close();
  await page.context().close();
});

test("sign out everywhere ends the user's other sessions too", async ({ browser }) => {
  const laptop = await pageAs(browser, LEAVER);
  const phone = await pageAs(browser, LEAVER);
  await laptop.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(laptop).toHaveURL(/\/login$/);
  await phone.goto(`/tenants/${T}`);
  await expect(phone).toHaveURL(/\/login$/);
  await laptop.context().close();
  await phone.context().close();
});

test("authenticated responses carry strict security headers and are never cached", async ({ page }) => {
  const response = await page.goto(`/tenants/${T}`);
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["cache-control"]).toContain("no-store");
  // Not HTTPS here, so no HSTS; a TLS-terminating proxy's header turns it on.
  expect(headers["strict-transport-security"]).toBeUndefined();
  const api = await page.request.get(`/api/tenants/${T}/secrets`, { headers: { "x-forwarded-proto": "https" } });
  expect(api.headers()["cache-control"]).toContain("no-store");
  expect(api.headers()["strict-transport-security"]).toContain("max-age=");
});

test("a server action posted from another origin is refused, even with the administrator's cookie", async ({
  page,
}) => {
  const forged = await act(
    page.request,
    "createTenant",
    { slug: "csrf-made", displayName: "x" },
    "https://evil.example",
  );
  expect(forged.status).toBeGreaterThanOrEqual(400);
  expect(forged.result?.ok).not.toBe(true);
  expect((await page.goto("/tenants/csrf-made"))?.status()).toBe(404);
});
